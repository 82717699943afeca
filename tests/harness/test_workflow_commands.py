"""What the GitHub workflows run exists: every `python -m tfsuite...` module they start and every
`make` target they call. A step that names a module that is not there fails only on the night it
runs, and a cleanup step that fails stops the steps after it (leaks on real AWS)."""

import importlib.util
import re
import subprocess

import pytest
import yaml

from tfsuite.paths import REPO_ROOT

WORKFLOWS = sorted((REPO_ROOT / ".github" / "workflows").glob("*.yml"))
MODULE = re.compile(r"python3? -m (tfsuite[\w.]*)")
MAKE = re.compile(r"(?:^|[;&|]\s*|\s)make\s+(?:-\S+\s+)*([a-z][\w-]*)", re.MULTILINE)


def run_scripts(workflow) -> list[str]:
    jobs = yaml.safe_load(workflow.read_text()).get("jobs") or {}
    return [step["run"] for job in jobs.values() for step in job.get("steps") or [] if "run" in step]


def make_targets() -> set[str]:
    """The targets make itself knows (its database, read without running a recipe)."""
    done = subprocess.run(["make", "-pRrq", "-f", "Makefile", ":"], cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=60)
    return set(re.findall(r"^([a-z][\w-]*):", done.stdout, re.MULTILINE))


def test_the_workflows_run_suite_modules_and_make_targets():
    found = [m for w in WORKFLOWS for script in run_scripts(w) for m in MODULE.findall(script)]
    assert found and any(MAKE.search(script) for w in WORKFLOWS for script in run_scripts(w))


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_every_module_a_workflow_starts_exists(workflow):
    missing = sorted({module for script in run_scripts(workflow) for module in MODULE.findall(script)
                      if importlib.util.find_spec(module) is None})
    assert missing == [], f"{workflow.name} runs modules that do not exist: {missing}"


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_every_make_target_a_workflow_calls_exists(workflow):
    targets = make_targets()
    missing = sorted({t for script in run_scripts(workflow) for t in MAKE.findall(script) if t not in targets})
    assert missing == [], f"{workflow.name} calls make targets the Makefile lacks: {missing}"
