"""ECS lifecycle rules of the local task runner (tfsuite.rehearsal.task), on small /bin/sh containers."""

from __future__ import annotations

import pytest

from tfsuite.rehearsal.checks import wait_until
from tfsuite.rehearsal.containers import ContainerSpec, MountPoint, UnsupportedContainer, namespaces_available
from tfsuite.rehearsal.task import LocalTask

IMAGE = "amazon/aws-cli:2.17.0"


def sh(name: str, script: str, **fields) -> ContainerSpec:
    return ContainerSpec(name=name, image=IMAGE, entry_point=("/bin/sh", "-c"), command=(script,), **fields)


@pytest.fixture
def run_task(tmp_path):
    tasks = []

    def run(specs, mode="substitution", volumes=("data",)) -> LocalTask:
        folders = {v: tmp_path / "volumes" / v for v in volumes}
        for folder in folders.values():
            folder.mkdir(parents=True, exist_ok=True)
        task = LocalTask(specs, folders, lambda spec: {"PATH": "/usr/bin:/bin", **spec.environment}, tmp_path,
                         mode=mode, dependency_timeout=20)
        tasks.append(task)
        task.start()
        return task

    yield run
    for task in tasks:
        task.stop()


def test_depends_on_complete_waits_for_the_dependency_to_exit(run_task, tmp_path):
    first = sh("first", "echo one > /data/order", essential=False, mount_points=(MountPoint("data", "/data"),))
    second = sh("second", "cat /data/order; echo two >> /data/order; sleep 30",
                depends_on=(("first", "COMPLETE"),), mount_points=(MountPoint("data", "/data"),))

    task = run_task([second, first])

    wait_until(lambda: (tmp_path / "volumes/data/order").exists() and
               "two" in (tmp_path / "volumes/data/order").read_text(), 20, "second ran")
    assert (tmp_path / "volumes/data/order").read_text() == "one\ntwo\n"
    assert task.runs["first"].exits == [0]


def test_an_essential_container_exiting_stops_the_task(run_task):
    task = run_task([sh("app", "exit 3", depends_on=(("helper", "START"),)), sh("helper", "sleep 60", essential=False)])

    wait_until(lambda: task.stopped and task.runs["helper"].exits, 40, "task stopped")

    assert "app, exit 3" in task.stopped_reason
    assert not task.runs["helper"].running


def test_a_non_essential_container_exiting_leaves_the_task_running(run_task):
    task = run_task([sh("app", "sleep 60"), sh("helper", "exit 0", essential=False)])

    wait_until(lambda: task.runs["helper"].exits, 20, "helper exited")

    assert not task.stopped and task.runs["app"].running


def test_restart_policy_restarts_after_the_attempt_period(run_task):
    helper = sh("helper", "sleep 60", essential=False, restart_enabled=True, restart_attempt_period=1)
    task = run_task([sh("app", "sleep 60"), helper])
    wait_until(lambda: task.runs["helper"].uptime() >= 1, 10, "helper ran 1 s")

    task.kill_container("helper")

    wait_until(lambda: task.runs["helper"].starts == 2 and task.runs["helper"].running, 20, "helper restarted")
    assert not task.stopped


def test_an_early_exit_is_not_restarted(run_task):
    helper = sh("helper", "exit 1", essential=False, restart_enabled=True, restart_attempt_period=60)
    task = run_task([sh("app", "sleep 60"), helper])

    wait_until(lambda: task.runs["helper"].exits, 20, "helper exited")

    assert task.runs["helper"].starts == 1


def test_ignored_exit_codes_are_not_restarted(run_task):
    helper = sh("helper", "sleep 1; exit 7", essential=False, restart_enabled=True, restart_attempt_period=1,
                ignored_exit_codes=(7,))
    task = run_task([sh("app", "sleep 60"), helper])

    wait_until(lambda: task.runs["helper"].exits, 20, "helper exited")

    assert task.runs["helper"].starts == 1


def test_substitution_mode_maps_the_container_path(run_task, tmp_path):
    run_task([sh("app", "echo hi > /data/x; sleep 30", mount_points=(MountPoint("data", "/data"),))])

    assert wait_until(lambda: (tmp_path / "volumes/data/x").exists(), 20, "file written through the volume")


@pytest.mark.skipif(not namespaces_available(), reason="needs root and `unshare --mount` for mount namespaces")
def test_namespace_mode_mounts_volumes_and_keeps_the_root_read_only(run_task, tmp_path):
    spec = sh("app", "echo hi > /mnt/x; touch /etc/tfsuite-probe 2>/dev/null "
                     "&& echo writable > /mnt/root || echo read-only > /mnt/root;"
                     " sleep 30", mount_points=(MountPoint("data", "/mnt"),), readonly_root=True)
    run_task([spec], mode="namespace")

    root = tmp_path / "volumes/data/root"
    assert wait_until(lambda: root.exists() and root.read_text().strip(), 20, "probe written") == "read-only"
    assert (tmp_path / "volumes/data/x").read_text() == "hi\n"


def test_bad_task_definitions_are_refused_with_the_reason(tmp_path):
    with pytest.raises(UnsupportedContainer, match="unknown container"):
        LocalTask([sh("a", "true", depends_on=(("b", "START"),))], {}, dict, tmp_path)
    with pytest.raises(UnsupportedContainer, match="HEALTHY"):
        LocalTask([sh("a", "true", depends_on=(("b", "HEALTHY"),)), sh("b", "true")], {}, dict, tmp_path)
    with pytest.raises(UnsupportedContainer, match="volume"):
        LocalTask([sh("a", "true", mount_points=(MountPoint("nope", "/x"),))], {}, dict, tmp_path)
    with pytest.raises(UnsupportedContainer, match="no entryPoint"):
        ContainerSpec(name="a", image="busybox:1.36").argv()
