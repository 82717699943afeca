"""The emulator layer runs on embedded moto whatever LOCALSTACK_ENDPOINT says: a LocalStack left in
the environment (community edition: no elbv2, ecs, ecr, autoscaling) must not move the layer onto
it, where the checks of those services would skip. Checked through this folder's own fixtures, in
a pytest run of their own (selected as tox -e integration selects) with a live LocalStack named in
the environment."""

from __future__ import annotations

import os
import subprocess
import sys

from tfsuite.paths import REPO_ROOT
from tfsuite.testing.fake_localstack import FakeLocalStack

PROBE = '''
def test_probe(lifecycle_emulator, default_emulator):
    assert lifecycle_emulator is default_emulator
    assert default_emulator.kind == "moto", default_emulator.describe()
    assert default_emulator.missing(["elbv2", "ecs", "ecr", "application-autoscaling"]) == []
'''


def test_a_live_localstack_in_the_environment_does_not_move_the_moto_layer(tmp_path):
    (tmp_path / "test_probe.py").write_text(PROBE)
    with FakeLocalStack() as live:
        env = {**os.environ, "LOCALSTACK_ENDPOINT": live, "PYTHONPATH": str(REPO_ROOT / "src"),
               "TFSUITE_REPORTS_DIR": str(tmp_path / "reports")}
        env.pop("TFSUITE_LAYER", None)
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "tests.integration.conftest", "-p", "tfsuite.testing.fixtures",
             "-p", "no:cacheprovider", "-q", "-rs", "-m", "not localstack", str(tmp_path / "test_probe.py")],
            cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "1 passed" in result.stdout and "skipped" not in result.stdout
