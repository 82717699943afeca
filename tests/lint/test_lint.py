"""fmt, validate, ruff and the GitHub workflow schema: what CI's lint job promises."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tfsuite.paths import REPO_ROOT, TERRAFORM_DIR
from tfsuite.toolchain.initlock import init_lock

PYTHON_TREES = ["src", "tests", "policies", "benchmarks", "examples", "model", "docs", "conftest.py"]
WORKFLOWS = sorted((REPO_ROOT / ".github" / "workflows").glob("*.yml"))


def run(cmd, **kwargs):
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kwargs)


def test_terraform_is_formatted(toolchain):
    proc = run([toolchain.cli, "fmt", "-check", "-recursive", "-diff", TERRAFORM_DIR], env=toolchain.env())
    assert proc.returncode == 0, f"`{toolchain.cli_kind} fmt` would change:\n{proc.stdout}{proc.stderr}"


def test_terraform_validates_offline(toolchain, terraform_copy):
    with init_lock(toolchain):  # the shared plugin cache: other layers may init at the same time
        init = run([toolchain.cli, f"-chdir={terraform_copy}", "init", "-backend=false", "-input=false",
                    "-no-color"], env=toolchain.env())
    assert init.returncode == 0, f"init failed:\n{init.stdout}{init.stderr}"
    proc = run([toolchain.cli, f"-chdir={terraform_copy}", "validate", "-json", "-no-color"], env=toolchain.env())
    result = json.loads(proc.stdout)
    problems = [f"{d['severity']}: {d['summary']} {d.get('detail', '')}" for d in result["diagnostics"]]
    assert result["valid"] and not problems, "\n".join(problems)


def test_python_passes_ruff():
    trees = [REPO_ROOT / t for t in PYTHON_TREES if (REPO_ROOT / t).exists()]
    proc = run([sys.executable, "-m", "ruff", "check", "--no-cache", *trees], cwd=REPO_ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_readme_is_built_from_its_sources():
    proc = run([sys.executable, REPO_ROOT / "docs" / "build_readme.py", "--check"])
    assert proc.returncode == 0, proc.stderr


def test_there_are_workflows_to_check():
    assert {p.name for p in WORKFLOWS} >= {"pre-merge.yml", "nightly-e2e.yml"}


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=[p.name for p in WORKFLOWS])
def test_workflow_matches_the_github_schema(workflow: Path):
    proc = run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
                workflow])
    assert proc.returncode == 0, proc.stdout + proc.stderr
