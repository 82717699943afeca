"""The real-AWS part is opt-in: without RUN_AWS_E2E=1 every such test skips and says so; with it,
dead credentials end the layer within seconds instead of letting it pass or skip.

Each case runs pytest on this layer in a subprocess with the environment under test."""

import os
import subprocess
import sys
import time
from pathlib import Path

from tfsuite.paths import REPO_ROOT

HERE = Path(__file__).parent


def run_layer(args: list[str], env_changes: dict, tmp_path: Path) -> tuple[subprocess.CompletedProcess, float]:
    env = {k: v for k, v in os.environ.items() if k not in ("RUN_AWS_E2E", "TFSUITE_LAYER")}
    env.update(PYTHONPATH=str(REPO_ROOT / "src"), TFSUITE_REPORTS_DIR=str(tmp_path), **env_changes)
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "pytest", *args, "-p", "no:cacheprovider", "-rs", "-q"],
                            env=env, capture_output=True, text=True, timeout=120, cwd=REPO_ROOT)
    return result, time.monotonic() - started


def test_without_the_opt_in_every_real_aws_test_skips_naming_it(tmp_path):
    result, _ = run_layer([str(HERE), "-m", "aws"], {}, tmp_path)
    assert result.returncode == 0, result.stdout[-2000:]
    summary = result.stdout.strip().splitlines()[-1]
    assert "skipped" in summary and "passed" not in summary and "failed" not in summary, summary
    skip_lines = [line for line in result.stdout.splitlines() if line.startswith("SKIPPED")]
    assert skip_lines and all("RUN_AWS_E2E not set" in line for line in skip_lines)


def test_with_the_opt_in_dead_credentials_stop_the_layer_within_seconds(tmp_path, unused_tcp_port_url):
    dead = {"RUN_AWS_E2E": "1", "AWS_ENDPOINT_URL_STS": unused_tcp_port_url,
            "AWS_ACCESS_KEY_ID": "AKIAEXAMPLEDEAD", "AWS_SECRET_ACCESS_KEY": "dead"}
    result, seconds = run_layer([str(HERE / "test_nightly_workflow.py")], dead, tmp_path)
    assert result.returncode == 1
    assert "RUN_AWS_E2E=1 but AWS credentials problem: cannot verify the credentials" in result.stdout
    assert "passed" not in result.stdout.strip().splitlines()[-1]
    assert seconds < 60
