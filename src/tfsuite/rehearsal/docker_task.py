"""The task with the real images, where a Docker engine answers: each container is `docker run` of
its own image with its entryPoint, command, environment and mountPoints (bind mounts of the
per-run volume folders), under the same ECS rules as LocalTask (dependsOn, essential,
restartPolicy: the `docker run` client process stands for the container).

Network: every container of the task uses the host's network (awsvpc gives a task's containers
one shared network namespace; here that namespace is the host's), so the sidecar reaches the
embedded emulator on 127.0.0.1 and the ALB stand-in reaches TF Serving on 127.0.0.1:8501. One
Docker rehearsal at a time per machine (the ports are the real ones).

The images are pulled when absent (tfsuite.serving.container.ensure_image); no Docker engine
raises DockerUnavailable("no Docker engine: ..."), which the tests turn into a skip.
"""

from __future__ import annotations

import signal
import subprocess
import uuid
from pathlib import Path

from tfsuite.rehearsal.containers import ContainerSpec
from tfsuite.rehearsal.task import ContainerRun, LocalTask
from tfsuite.serving.container import DockerUnavailable, connect, ensure_image

# What the containers get from the harness (the rest of environment_for is for local processes).
PASSED = ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")


def docker_available() -> str | None:
    """None when a Docker engine answers, else the reason ("no Docker engine: ...")."""
    try:
        connect().close()
    except DockerUnavailable as err:
        return str(err)
    return None


class DockerTask(LocalTask):
    def __init__(self, specs: list[ContainerSpec], volumes: dict[str, Path], environment_for, workdir: Path,
                 **options) -> None:
        options.pop("mode", None)
        options.pop("keep_paths", None)
        super().__init__(specs, volumes, environment_for, workdir, mode="docker", **options)
        self.run_id = uuid.uuid4().hex[:8]
        self._names: dict[str, str] = {}  # container -> the docker name of its current start

    def start(self) -> None:
        engine = connect()  # DockerUnavailable("no Docker engine: ...") when none answers
        try:
            for spec in self.specs:
                ensure_image(engine, spec.image)
        finally:
            engine.close()
        super().start()

    def container_name(self, spec: ContainerSpec) -> str:
        return self._names[spec.name]

    def command(self, spec: ContainerSpec) -> tuple[list[str], dict[str, str]]:
        # a fresh name per start: a restarted container must not wait for `--rm` of the last one
        self._names[spec.name] = f"tfsuite-rehearsal-{self.run_id}-{spec.name}-{uuid.uuid4().hex[:4]}"
        env = self.environment_for(spec)
        passed = {**spec.environment, **{k: env[k] for k in PASSED if k in env}}
        argv = ["docker", "run", "--rm", "--name", self.container_name(spec), "--network", "host",
                "--stop-timeout", str(spec.stop_timeout)]
        if spec.readonly_root:
            argv.append("--read-only")
        for mount in spec.mount_points:
            mode = "ro" if mount.read_only else "rw"
            argv += ["-v", f"{self.volumes[mount.volume]}:{mount.container_path}:{mode}"]
        for key, value in passed.items():
            argv += ["-e", f"{key}={value}"]
        if spec.entry_point:
            argv += ["--entrypoint", spec.entry_point[0]]
            args = [*spec.entry_point[1:], *spec.command]
        else:
            args = list(spec.command)
        return [*argv, spec.image, *args], {"PATH": env.get("PATH", "/usr/bin:/bin")}

    def signal(self, run: ContainerRun, sig: int) -> None:
        name = self.container_name(run.spec)
        verb = ["kill"] if sig == signal.SIGKILL else ["kill", "--signal", signal.Signals(sig).name]
        subprocess.run(["docker", *verb, name], capture_output=True, timeout=60)
