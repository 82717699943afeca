"""How one container of an ECS task definition becomes a local process (the no-Docker path).

The container's own `entryPoint`, `command` and `environment` run unchanged. What differs from ECS,
each a named substitution (the rehearsal's report lists them):

- image: the image's program comes from here: `tensorflow/serving` runs the image's entrypoint
  script (IMAGE_ENTRYPOINTS) with `tensorflow_model_server` being the rehearsal's model server;
  `amazon/aws-cli` runs the pinned AWS CLI (PyPI `awscli` 1.x) of this environment.
- volumes: "namespace" (root with `unshare`): each container runs in a private mount namespace
  where every `mountPoints` entry is a bind mount of the task volume's per-run directory at the
  container path, and `readonlyRootFilesystem` remounts / read-only. The container paths are
  exact (`/models`, `/tmp`); an empty mount-point folder is created on the host for each.
  "substitution" (no root): each container path is replaced by its per-run directory in the
  entryPoint, command and environment values (text substitution), and the read-only root is not
  enforced.
- network: each task gets its own loopback address (awsvpc gives it its own ENI address), so the
  container ports (8501) are the real ones; TFSUITE_TASK_ADDRESS tells the model server.
- endpoint and credentials: AWS_ENDPOINT_URL points the AWS CLI at the emulator; the task role's
  credentials from STS AssumeRole come as AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN
  (ECS serves them from its credentials endpoint instead).
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tfsuite.paths import REPO_ROOT

# The images' own entrypoints (what ENTRYPOINT runs when the task definition gives none).
TF_SERVING_ENTRYPOINT_SCRIPT = """#!/bin/bash
tensorflow_model_server --port=8500 --rest_api_port=8501 --model_name=${MODEL_NAME} \
  --model_base_path=${MODEL_BASE_PATH}/${MODEL_NAME} "$@"
"""
IMAGE_ENTRYPOINTS = {"tensorflow/serving": ["/usr/bin/tf_serving_entrypoint.sh"], "amazon/aws-cli": ["aws"]}
IMAGE_PROGRAMS = ("tensorflow_model_server", "tf_serving_entrypoint.sh", "aws")


class UnsupportedContainer(ValueError):
    """The task definition asks for something the rehearsal cannot run here: the message says what."""


@dataclass(frozen=True)
class MountPoint:
    volume: str
    container_path: str
    read_only: bool = False


@dataclass(frozen=True)
class ContainerSpec:
    """One entry of containerDefinitions, as the emulator's DescribeTaskDefinition returns it."""

    name: str
    image: str
    essential: bool = True
    entry_point: tuple[str, ...] = ()
    command: tuple[str, ...] = ()
    environment: dict[str, str] = field(default_factory=dict)
    mount_points: tuple[MountPoint, ...] = ()
    depends_on: tuple[tuple[str, str], ...] = ()  # (container, condition)
    restart_enabled: bool = False
    restart_attempt_period: int = 300
    ignored_exit_codes: tuple[int, ...] = ()
    readonly_root: bool = False
    ports: tuple[int, ...] = ()
    stop_timeout: int = 30

    @classmethod
    def from_definition(cls, raw: dict) -> ContainerSpec:
        restart = raw.get("restartPolicy") or {}
        return cls(
            name=raw["name"], image=raw["image"], essential=raw.get("essential", True),
            entry_point=tuple(raw.get("entryPoint") or ()), command=tuple(raw.get("command") or ()),
            environment={e["name"]: e["value"] for e in raw.get("environment") or ()},
            mount_points=tuple(MountPoint(m["sourceVolume"], m["containerPath"], bool(m.get("readOnly")))
                               for m in raw.get("mountPoints") or ()),
            depends_on=tuple((d["containerName"], d["condition"]) for d in raw.get("dependsOn") or ()),
            restart_enabled=bool(restart.get("enabled")),
            restart_attempt_period=int(restart.get("restartAttemptPeriod", 300)),
            ignored_exit_codes=tuple(restart.get("ignoredExitCodes") or ()),
            readonly_root=bool(raw.get("readonlyRootFilesystem")),
            ports=tuple(p["containerPort"] for p in raw.get("portMappings") or ()),
            stop_timeout=int(raw.get("stopTimeout") or 30),
        )

    @property
    def image_repository(self) -> str:
        return self.image.split("@", 1)[0].rsplit(":", 1)[0] if ":" in self.image.rsplit("/", 1)[-1] \
            else self.image.split("@", 1)[0]

    def argv(self) -> list[str]:
        """What the container runs: entryPoint (or the image's) followed by command."""
        entry = list(self.entry_point)
        if not entry:
            if self.image_repository not in IMAGE_ENTRYPOINTS:
                raise UnsupportedContainer(f"container {self.name}: image {self.image} has no entryPoint in the "
                                           f"task definition and the rehearsal knows no default for it "
                                           f"(known: {', '.join(IMAGE_ENTRYPOINTS)})")
            entry = list(IMAGE_ENTRYPOINTS[self.image_repository])
        if entry and entry[0].startswith("/") and Path(entry[0]).name in IMAGE_PROGRAMS:
            entry[0] = Path(entry[0]).name  # the image's program, found on PATH in the image-programs folder
        return entry + list(self.command)


def write_image_programs(folder: Path) -> Path:
    """The folder put first on PATH: tensorflow_model_server, the image entrypoint script, aws."""
    folder.mkdir(parents=True, exist_ok=True)
    server = folder / "tensorflow_model_server"
    server.write_text("#!/bin/sh\n" f"PYTHONPATH={shlex.quote(str(REPO_ROOT / 'src'))} "
                      f"exec {shlex.quote(sys.executable)} -m tfsuite.rehearsal.model_server \"$@\"\n")
    (folder / "tf_serving_entrypoint.sh").write_text(TF_SERVING_ENTRYPOINT_SCRIPT)
    aws = Path(sys.executable).parent / "aws"
    if not aws.exists():
        found = shutil.which("aws")
        raise UnsupportedContainer(f"the pinned AWS CLI is not installed next to {sys.executable} "
                                   f"(found on PATH: {found}); run the rehearsal in its tox env")
    link = folder / "aws"
    if not link.exists():
        link.symlink_to(aws)
    for path in (server, folder / "tf_serving_entrypoint.sh"):
        path.chmod(0o755)
    return folder


def harness_paths() -> list[Path]:
    """What the image programs run from, on the host: the interpreter's environment and the harness's
    own source (PYTHONPATH of tensorflow_model_server). A task volume mounted over a parent of one of
    them (a checkout under /tmp, with the scratch volume at /tmp) must bind it back in."""
    return [Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(), (REPO_ROOT / "src").resolve()]


def namespaces_available() -> bool:
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "--mount", "--propagation", "private", "true"], capture_output=True)
    return probe.returncode == 0


def mount_prelude(spec: ContainerSpec, volumes: dict[str, Path], keep: list[Path]) -> str:
    """sh lines run inside the private mount namespace before the container's own program."""
    lines = ["set -e"]
    hidden_tmp = None
    for mount in sorted(spec.mount_points, key=lambda m: m.container_path.count("/")):
        source, target = str(volumes[mount.volume]), mount.container_path
        kept = [p for p in keep if str(p).startswith(target.rstrip("/") + "/")]
        if kept:  # the harness's own files live under the path: bind them back in
            hidden_tmp = f"{source}/.host"
            lines += [f"mkdir -p {q(hidden_tmp)}", f"mount --bind {q(target)} {q(hidden_tmp)}"]
        lines += [f"mkdir -p {q(target)}", f"mount --rbind {q(source)} {q(target)}"]
        for path in kept:
            inside = f"{target.rstrip('/')}/.host/{path.relative_to(target)}"
            lines += [f"mkdir -p {q(str(path))}", f"mount --bind {q(inside)} {q(str(path))}"]
        if kept:
            lines.append(f"umount -l {q(target.rstrip('/') + '/.host')}")
        if mount.read_only:
            lines.append(f"mount -o remount,bind,ro {q(target)}")
    if spec.readonly_root:
        lines.append("mount -o remount,bind,ro /")
    return "\n".join(lines) + "\n"


def substitute_paths(values: list[str], volumes: dict[str, Path], spec: ContainerSpec) -> list[str]:
    """The "substitution" mode: container paths of the mount points replaced by their directories."""
    mounts = sorted(spec.mount_points, key=lambda m: -len(m.container_path))
    out = []
    for value in values:
        for mount in mounts:
            value = value.replace(mount.container_path, str(volumes[mount.volume]))
        out.append(value)
    return out


def q(text: str) -> str:
    return shlex.quote(text)
