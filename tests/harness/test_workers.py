"""Tests that share an apply run on one pytest-xdist worker (tfsuite.testing.workers).

A real pytest session with two workers over a small tree: the tests of the shared fixture, spread
over two modules, must all run on one worker and set the fixture up once.
This fails on pytest 9.2 with pytest-xdist 3.8 (pytest-dev/pytest-xdist#1386), where the groups are
silently ignored: the reason constraints.txt pins pytest below 9.2.
"""

import json
import os
import subprocess
import sys
import textwrap

from tfsuite.paths import REPO_ROOT

CONFTEST = '''
import json, os, pytest
from tfsuite.testing.workers import mark_group

@pytest.fixture(scope="session")
def applied(tmp_path_factory):
    with open(os.environ["RECORD"], "a") as out:
        out.write(json.dumps({"setup": os.environ.get("PYTEST_XDIST_WORKER")}) + "\\n")

@pytest.fixture
def record(request):
    def write():
        with open(os.environ["RECORD"], "a") as out:
            out.write(json.dumps({"test": request.node.name, "module": request.node.module.__name__,
                                  "worker": os.environ.get("PYTEST_XDIST_WORKER")}) + "\\n")
    return write

def pytest_itemcollected(item):
    mark_group(item, ("applied",))
'''

MODULE = '''
import time, pytest

@pytest.mark.parametrize("n", range(4))
def test_shared(applied, record, n):
    time.sleep(0.2)
    record()

@pytest.mark.parametrize("n", range(4))
def test_alone(record, n):
    time.sleep(0.2)
    record()
'''


def run_tree(tmp_path, *options: str) -> tuple[subprocess.CompletedProcess, list[dict]]:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "conftest.py").write_text(textwrap.dedent(CONFTEST))
    for name in ("test_one.py", "test_two.py"):
        (tree / name).write_text(textwrap.dedent(MODULE))
    record = tmp_path / "record.jsonl"
    env = {**os.environ, "RECORD": str(record), "PYTHONPATH": str(REPO_ROOT / "src")}
    env.pop("PYTEST_ADDOPTS", None)
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--strict-markers",
                           *options, str(tree)], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    return done, [json.loads(line) for line in record.read_text().splitlines()] if record.exists() else []


def test_the_tests_of_a_shared_apply_run_on_one_worker_and_set_it_up_once(tmp_path):
    done, lines = run_tree(tmp_path, "-n", "2", "--dist", "loadgroup")
    assert done.returncode == 0, done.stdout + done.stderr

    setups = [line["setup"] for line in lines if "setup" in line]
    shared = {line["worker"] for line in lines if line.get("test", "").startswith("test_shared")}
    alone = {line["module"] for line in lines if line.get("test", "").startswith("test_alone")}
    assert len(setups) == 1, f"the shared fixture was set up on {setups}: grouping is ignored\n{done.stdout}"
    assert shared == set(setups), (shared, setups)
    assert alone == {"test_one", "test_two"}


def test_a_layer_without_xdist_runs_its_tests_unmarked(tmp_path):
    """The layers whose tox env has no pytest-xdist (rehearsal, unit, model, ...) share the root
    conftest: there the group mark is unknown and --strict-markers would refuse every test."""
    done, lines = run_tree(tmp_path, "-p", "no:xdist")
    assert done.returncode == 0, done.stdout + done.stderr
    assert len([line for line in lines if "test" in line]) == 16
