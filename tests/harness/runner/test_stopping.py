"""Stopping a running CLI the way Terraform wants: one SIGINT to the command of one working
directory, a bounded wait for its graceful stop, and a deadline for commands run after an interrupt.

A Python child stands in for Terraform here: like Terraform it treats the first SIGINT as a request
to finish what it is doing (here: write a file) and exit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tfsuite.runner import stopping

GRACEFUL = """
import pathlib, signal, sys, time
def stop(signum, frame):
    pathlib.Path("finished-in-flight-work").write_text("state written")
    sys.exit(0)
signal.signal(signal.SIGINT, stop)
print("ready", flush=True)
time.sleep(60)
"""
DEAF = """
import signal, time
signal.signal(signal.SIGINT, signal.SIG_IGN)
print("ready", flush=True)
time.sleep(60)
"""


def start(code: str, cwd: Path) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-c", code], cwd=cwd, stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "ready"
    return process


@pytest.fixture
def children():
    started: list[subprocess.Popen] = []
    yield started
    for process in started:
        process.kill()
        process.wait()


def test_only_the_cli_of_the_given_directory_is_found(tmp_path, children):
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir(), two.mkdir()
    children += [start(GRACEFUL, one), start(GRACEFUL, two)]

    assert stopping.cli_children(sys.executable, one) == [children[0].pid]
    assert sorted(stopping.cli_children(sys.executable)) == sorted(p.pid for p in children)
    assert stopping.cli_children("/no/such/cli", one) == []


def test_the_graceful_stop_lets_the_command_finish_its_work(tmp_path, children):
    children.append(start(GRACEFUL, tmp_path))

    assert stopping.interrupt_and_wait(sys.executable, tmp_path, timeout=20) == []
    assert (tmp_path / "finished-in-flight-work").read_text() == "state written"
    assert children[0].wait(timeout=5) == 0


def test_a_command_that_does_not_stop_is_reported_after_the_bound(tmp_path, children):
    children.append(start(DEAF, tmp_path))

    assert stopping.interrupt_and_wait(sys.executable, tmp_path, timeout=1) == [children[0].pid]
    assert children[0].poll() is None  # never a second SIGINT: that would lose Terraform's state


def test_a_deadline_stops_the_command_gracefully_and_says_so(tmp_path):
    with stopping.deadline(sys.executable, tmp_path, 1) as expired:
        result = subprocess.run([sys.executable, "-c", GRACEFUL], cwd=tmp_path, capture_output=True, timeout=30)

    assert expired.is_set()
    assert result.returncode == 0 and (tmp_path / "finished-in-flight-work").exists()  # by the SIGINT


def test_without_a_deadline_nothing_is_stopped(tmp_path):
    with stopping.deadline(sys.executable, tmp_path, None) as expired:
        subprocess.run([sys.executable, "-c", "print('done')"], cwd=tmp_path, check=True, capture_output=True)
    assert not expired.is_set()
