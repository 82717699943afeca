"""A rehearsal: the deployed task definition's containers running here, behind the ALB stand-in.

    run = Rehearsal.start(deployed, emulator_endpoint, task_credentials)
    run.alb.target.wait_for("healthy", timeout=120)
    requests.post(run.listener_url + "/v1/models/empty_model:predict", json=...)
    run.stop()

Substitutions (what differs from ECS on Fargate; reported by `substitutions()`):
"""

from __future__ import annotations

import os
import random
import shutil
import socket
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from tfsuite.paths import cache_dir
from tfsuite.rehearsal.alb import AlbStandIn, TargetHealth
from tfsuite.rehearsal.containers import ContainerSpec, harness_paths, namespaces_available, write_image_programs
from tfsuite.rehearsal.identities import Credentials
from tfsuite.rehearsal.model_server import ADDRESS_ENV
from tfsuite.rehearsal.readback import DeployedTask
from tfsuite.rehearsal.task import LocalTask

MODE_ENV = "TFSUITE_REHEARSAL_VOLUMES"  # "namespace" or "substitution"; default: namespace where possible


def volume_mode() -> str:
    wanted = os.environ.get(MODE_ENV, "")
    if wanted not in ("", "namespace", "substitution"):
        raise ValueError(f"{MODE_ENV} must be 'namespace' or 'substitution', not {wanted!r}")
    if wanted == "namespace" and not namespaces_available():
        raise ValueError(f"{MODE_ENV}=namespace needs root and a working `unshare --mount`")
    return wanted or ("namespace" if namespaces_available() else "substitution")


def substitutions(mode: str, deployed: DeployedTask, alb_address: str, task_address: str) -> list[str]:
    if mode == "docker":
        return [f"images: the real {', '.join(sorted({c.image for c in deployed.containers}))} under Docker",
                "volumes: each task volume is a per-run folder bind-mounted at its containerPath",
                "endpoint: AWS_ENDPOINT_URL points every container's AWS calls at the emulator",
                "credentials: the task role's STS AssumeRole keys in AWS_ACCESS_KEY_ID/SECRET/SESSION_TOKEN",
                f"network: the task's containers share the host's network; {deployed.load_balancer_dns} "
                f"resolves to the ALB stand-in at {alb_address}"]
    volumes = ("private mount namespace per container (unshare -m): each task volume is a per-run "
               "directory bind-mounted at its containerPath; readonlyRootFilesystem remounts / read-only"
               if mode == "namespace" else
               "text substitution: each mountPoints containerPath in entryPoint, command and environment "
               "is replaced by the volume's per-run directory (no root for a mount namespace)")
    return [
        f"volumes: {volumes}",
        f"images: {', '.join(sorted({c.image for c in deployed.containers}))} run from this machine: the "
        "AWS CLI is PyPI awscli (pinned in constraints.txt); tensorflow_model_server is "
        "tfsuite.rehearsal.model_server (TensorFlow), started through the image's entrypoint script",
        "endpoint: AWS_ENDPOINT_URL points every container's AWS calls at the emulator",
        "credentials: the task role's STS AssumeRole keys in AWS_ACCESS_KEY_ID/SECRET/SESSION_TOKEN "
        "(ECS serves them from its container credentials endpoint)",
        f"network: the task's awsvpc address is {task_address} (loopback); the load balancer "
        f"{deployed.load_balancer_dns} resolves to the ALB stand-in at {alb_address}",
    ]


def _free_address(ports: list[int]) -> str:
    for _ in range(50):
        address = f"127.{random.randint(1, 254)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
        try:
            for port in ports:
                with socket.socket() as probe:
                    probe.bind((address, port))
            return address
        except OSError:
            continue
    raise RuntimeError(f"no loopback address with ports {ports} free")


@dataclass
class Rehearsal:
    deployed: DeployedTask
    task: LocalTask
    alb: AlbStandIn
    workdir: Path
    mode: str
    task_address: str

    @classmethod
    def start(cls, deployed: DeployedTask, endpoint: str, credentials: Credentials,
              workdir: Path | None = None, start_alb: bool = True, engine: str = "local") -> Rehearsal:
        if engine not in ("local", "docker"):
            raise ValueError(f"engine must be 'local' or 'docker', not {engine!r}")
        mode = volume_mode() if engine == "local" else "docker"
        # outside /tmp: the scratch volume is mounted over /tmp in the containers
        workdir = Path(workdir or cache_dir() / "rehearsal" / uuid.uuid4().hex[:10])
        workdir.mkdir(parents=True, exist_ok=True)
        volumes = {name: workdir / "volumes" / name for name in deployed.volumes}
        for path in volumes.values():
            path.mkdir(parents=True, exist_ok=True)
        programs = write_image_programs(workdir / "image-programs")
        task_address = _free_address([deployed.target_port, 8500]) if engine == "local" else "127.0.0.1"
        home = workdir / "home"
        home.mkdir(exist_ok=True)

        def environment_for(spec: ContainerSpec) -> dict[str, str]:
            return {
                "PATH": f"{programs}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                # the images' HOME (/root; read-only under readonlyRootFilesystem, as on Fargate)
                "HOME": "/root" if mode == "namespace" else str(home),
                "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
                "AWS_EC2_METADATA_DISABLED": "true", "PYTHONDONTWRITEBYTECODE": "1", "TF_CPP_MIN_LOG_LEVEL": "2",
                ADDRESS_ENV: task_address,
                # ECS sets the task's region in every container (AWS_REGION overrides AWS_DEFAULT_REGION)
                "AWS_REGION": deployed.region, "AWS_DEFAULT_REGION": deployed.region,
                **spec.environment,
                "AWS_ENDPOINT_URL": endpoint,
                **credentials.env(),
            }

        keep = harness_paths()
        if engine == "docker":
            from tfsuite.rehearsal.docker_task import DockerTask

            task = DockerTask(list(deployed.containers), volumes, environment_for, workdir)
        else:
            task = LocalTask(list(deployed.containers), volumes, environment_for, workdir, mode=mode, keep_paths=keep)
        task.start()
        alb_address = _free_address([deployed.listener_port])
        target = TargetHealth(deployed.health_check, task_address, deployed.target_port)
        alb = AlbStandIn(alb_address, deployed.listener_port, target)
        if start_alb:
            target.start()
            alb.start()
        return cls(deployed, task, alb, workdir, mode, task_address)

    @property
    def listener_url(self) -> str:
        return self.alb.base_url

    def via_listener(self, url: str) -> str:
        """A URL on the load balancer's DNS name (an output such as predict_url), sent to the stand-in."""
        parts = urlsplit(url)
        if parts.hostname != self.deployed.load_balancer_dns:
            raise ValueError(f"{url} is not on the load balancer {self.deployed.load_balancer_dns}")
        if parts.port != self.deployed.listener_port:
            raise ValueError(f"{url} does not use the listener port {self.deployed.listener_port}")
        return urlunsplit(parts._replace(netloc=f"{self.alb.address}:{parts.port}"))

    @property
    def models_dir(self) -> Path:
        """The task volume the TF Serving container reads models from (its MODEL_BASE_PATH)."""
        spec = self.deployed.container(self.deployed.target_container)
        base = spec.environment.get("MODEL_BASE_PATH", "")
        for mount in spec.mount_points:
            if base == mount.container_path or base.startswith(mount.container_path.rstrip("/") + "/"):
                return self.workdir / "volumes" / mount.volume / base[len(mount.container_path):].lstrip("/")
        raise ValueError(f"MODEL_BASE_PATH {base!r} of {spec.name} is on no task volume")

    def served_versions_on_disk(self) -> list[str]:
        folder = self.models_dir / self.deployed.model_name
        return sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []

    def logs(self) -> str:
        return "\n".join(f"===== {name} =====\n{run.logs()[-4000:]}" for name, run in self.task.runs.items())

    def stop(self, keep: bool = False) -> None:
        try:
            self.alb.stop()
        finally:
            self.task.stop()
            if not keep and os.environ.get("TFSUITE_KEEP_WORKDIR") != "1":
                shutil.rmtree(self.workdir, ignore_errors=True)
