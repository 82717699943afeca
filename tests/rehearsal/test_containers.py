"""How a container definition becomes a local process (tfsuite.rehearsal.containers)."""

from __future__ import annotations

from pathlib import Path

from tfsuite.rehearsal.containers import (
    ContainerSpec,
    MountPoint,
    harness_paths,
    mount_prelude,
    substitute_paths,
    write_image_programs,
)

DEFINITION = {
    "name": "tfserving", "image": "tensorflow/serving:2.18.0", "essential": True,
    "command": ["--file_system_poll_wait_seconds=2"],
    "environment": [{"name": "MODEL_BASE_PATH", "value": "/models"}, {"name": "MODEL_NAME", "value": "m"}],
    "mountPoints": [{"sourceVolume": "models", "containerPath": "/models", "readOnly": True}],
    "dependsOn": [{"containerName": "model-sync", "condition": "START"}],
    "portMappings": [{"containerPort": 8501, "hostPort": 8501, "protocol": "tcp"}],
    "readonlyRootFilesystem": True,
}


def test_a_definition_read_back_from_ecs():
    spec = ContainerSpec.from_definition(DEFINITION)

    assert spec.environment == {"MODEL_BASE_PATH": "/models", "MODEL_NAME": "m"}
    assert spec.mount_points == (MountPoint("models", "/models", True),)
    assert spec.depends_on == (("model-sync", "START"),)
    assert spec.ports == (8501,) and spec.readonly_root and not spec.restart_enabled


def test_without_an_entry_point_the_image_entrypoint_runs_with_the_command_as_flags():
    assert ContainerSpec.from_definition(DEFINITION).argv() == ["tf_serving_entrypoint.sh",
                                                                "--file_system_poll_wait_seconds=2"]


def test_an_explicit_entry_point_to_the_server_binary_runs_the_model_server():
    spec = ContainerSpec.from_definition({**DEFINITION, "entryPoint": ["/usr/bin/tensorflow_model_server"],
                                          "command": ["--rest_api_port=8501", "--model_name=m"]})

    assert spec.argv() == ["tensorflow_model_server", "--rest_api_port=8501", "--model_name=m"]


def test_a_shell_entry_point_is_kept_as_is():
    spec = ContainerSpec.from_definition({**DEFINITION, "entryPoint": ["/bin/sh", "-c"],
                                          "command": ["exec tensorflow_model_server --rest_api_port=8501"]})

    assert spec.argv() == ["/bin/sh", "-c", "exec tensorflow_model_server --rest_api_port=8501"]


def test_substitution_replaces_container_paths_longest_first():
    mounts = (MountPoint("a", "/models"), MountPoint("b", "/models/x"))
    spec = ContainerSpec("s", "amazon/aws-cli:2", mount_points=mounts)

    assert substitute_paths(["/models/x/1 /models/y"], {"a": Path("/A"), "b": Path("/B")}, spec) == ["/B/1 /A/y"]


def test_the_prelude_binds_volumes_and_keeps_harness_paths_under_an_overmounted_path():
    spec = ContainerSpec("s", "amazon/aws-cli:2", mount_points=(MountPoint("scratch", "/tmp"),), readonly_root=True)

    prelude = mount_prelude(spec, {"scratch": Path("/cache/scratch")}, [Path("/tmp/venv"), Path("/opt/py")])

    assert "mount --rbind /cache/scratch /tmp" in prelude
    assert "mount --bind /tmp/.host/venv /tmp/venv" in prelude
    assert "/opt/py" not in prelude
    assert prelude.rstrip().endswith("mount -o remount,bind,ro /")


def test_docker_runs_each_container_of_the_task_with_its_own_image_and_settings(tmp_path):
    from tfsuite.rehearsal.docker_task import DockerTask

    spec = ContainerSpec.from_definition({**DEFINITION, "entryPoint": ["/bin/sh", "-c"], "command": ["exec x"],
                                          "dependsOn": []})
    task = DockerTask([spec], {"models": tmp_path}, lambda s: {"AWS_ENDPOINT_URL": "http://127.0.0.1:1",
                                                               "HOME": "/h"}, tmp_path)

    argv, _ = task.command(spec)

    assert argv[:2] == ["docker", "run"] and "--read-only" in argv
    assert argv[argv.index("-v") + 1] == f"{tmp_path}:/models:ro"
    assert "MODEL_NAME=m" in argv and "AWS_ENDPOINT_URL=http://127.0.0.1:1" in argv and "HOME=/h" not in argv
    assert argv[argv.index("--entrypoint") + 1] == "/bin/sh"
    assert argv[-3:] == ["tensorflow/serving:2.18.0", "-c", "exec x"]


def test_every_host_path_the_image_programs_run_from_is_kept_under_an_overmounted_volume(tmp_path):
    """A clean clone under /tmp (the scratch volume is mounted at /tmp) hid the harness's source from
    the model server: 'No module named tfsuite', and every scenario failed in a fresh-clone run."""
    import re
    import shlex

    script = (write_image_programs(tmp_path / "programs") / "tensorflow_model_server").read_text()
    pythonpath = re.search(r"PYTHONPATH=(\S+)", script).group(1)
    interpreter = shlex.split(script.split("exec ", 1)[1])[0]
    kept = harness_paths()
    for used in (Path(shlex.split(pythonpath)[0]), Path(interpreter)):
        assert any(used.resolve() == k or k in used.resolve().parents for k in kept), (used, kept)
