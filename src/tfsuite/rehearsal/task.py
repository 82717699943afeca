"""One ECS task, run here: its containers as local processes with ECS's lifecycle rules.

- start order: `dependsOn` (START: the dependency was started; COMPLETE/SUCCESS: it exited, with
  0 for SUCCESS); a cycle or an unknown container is refused.
- `essential`: when an essential container exits (and is not restarted), the task stops: the other
  containers get SIGTERM, then SIGKILL after their stopTimeout.
- `restartPolicy`: a container that exits is restarted in place when its policy is enabled, its
  exit code is not ignored and it ran at least restartAttemptPeriod seconds since it last started
  (ECS: "if a container isn't able to run for this time period and exits early, it will not be
  restarted").

    task = LocalTask(specs, volumes, environment_for, workdir)
    task.start(); ...; task.kill_container("model-sync"); ...; task.stop()
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tenacity import RetryError, Retrying, retry_if_result, stop_after_delay, wait_fixed

from tfsuite.rehearsal.containers import ContainerSpec, UnsupportedContainer, mount_prelude, substitute_paths

log = logging.getLogger(__name__)
CONDITIONS = ("START", "COMPLETE", "SUCCESS")


@dataclass
class ContainerRun:
    spec: ContainerSpec
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    starts: int = 0
    exits: list[int] = field(default_factory=list)
    log_path: Path | None = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def uptime(self) -> float:
        return time.monotonic() - self.started_at if self.running else 0.0

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path and self.log_path.exists() else ""


def start_order(specs: list[ContainerSpec]) -> list[ContainerSpec]:
    by_name = {s.name: s for s in specs}
    ordered: list[ContainerSpec] = []
    visiting: set[str] = set()

    def visit(spec: ContainerSpec) -> None:
        if spec in ordered:
            return
        if spec.name in visiting:
            raise UnsupportedContainer(f"dependsOn cycle through container {spec.name}")
        visiting.add(spec.name)
        for name, condition in spec.depends_on:
            if name not in by_name:
                raise UnsupportedContainer(f"container {spec.name} depends on unknown container {name}")
            if condition not in CONDITIONS:
                raise UnsupportedContainer(f"container {spec.name}: dependsOn condition {condition} is not "
                                           f"supported here (needs a container health check); "
                                           f"supported: {', '.join(CONDITIONS)}")
            visit(by_name[name])
        visiting.discard(spec.name)
        ordered.append(spec)

    for spec in specs:
        visit(spec)
    return ordered


class LocalTask:
    def __init__(self, specs: list[ContainerSpec], volumes: dict[str, Path],
                 environment_for: Callable[[ContainerSpec], dict[str, str]], workdir: Path,
                 mode: str = "namespace", keep_paths: list[Path] | None = None,
                 dependency_timeout: float = 120.0) -> None:
        if mode not in ("namespace", "substitution", "docker"):
            raise ValueError(f"mode must be 'namespace', 'substitution' or 'docker', not {mode!r}")
        self.specs = start_order(specs)
        for spec in self.specs:
            missing = [m.volume for m in spec.mount_points if m.volume not in volumes]
            if missing:
                raise UnsupportedContainer(f"container {spec.name} mounts volume(s) {missing} the task does not "
                                           f"define (task volumes: {sorted(volumes)})")
        self.volumes, self.environment_for, self.workdir = volumes, environment_for, Path(workdir)
        self.mode, self.keep_paths = mode, list(keep_paths or [])
        self.dependency_timeout = dependency_timeout
        self.runs = {s.name: ContainerRun(s) for s in self.specs}
        self.stopped_reason: str | None = None
        self.events: list[tuple[float, str]] = []
        self._lock = threading.RLock()
        self._stopping = threading.Event()

    # --- life cycle ----------------------------------------------------------------------------
    def start(self) -> None:
        for spec in self.specs:
            for name, condition in spec.depends_on:
                self._wait_for_dependency(spec.name, self.runs[name], condition)
            with self._lock:
                if self._stopping.is_set():  # an essential container already ended the task
                    return
                self._launch(self.runs[spec.name])

    def _wait_for_dependency(self, waiting: str, dependency: ContainerRun, condition: str) -> None:
        def unmet() -> bool:
            if condition == "START":
                return dependency.starts == 0
            if dependency.running or not dependency.exits:
                return True
            if condition == "SUCCESS" and dependency.exits[-1] != 0:
                raise UnsupportedContainer(f"{waiting} depends on {dependency.spec.name} SUCCESS, which exited "
                                           f"{dependency.exits[-1]}: the task cannot start")
            return False

        retrying = Retrying(stop=stop_after_delay(self.dependency_timeout), wait=wait_fixed(0.2),
                            retry=retry_if_result(bool), reraise=True)
        try:
            retrying(unmet)
        except RetryError:
            raise UnsupportedContainer(f"{waiting}: {dependency.spec.name} did not reach {condition} within "
                                       f"{self.dependency_timeout:g}s") from None
        self.events.append((time.monotonic(), f"{dependency.spec.name} reached {condition} for {waiting}"))

    def command(self, spec: ContainerSpec) -> tuple[list[str], dict[str, str]]:
        """argv and environment of the process that runs the container (DockerTask: `docker run`)."""
        argv = spec.argv()
        env = self.environment_for(spec)
        if self.mode == "namespace":
            prelude = mount_prelude(spec, self.volumes, self.keep_paths)
            return ["unshare", "--mount", "--propagation", "private", "/bin/sh", "-c",
                    prelude + 'exec "$@"', spec.name, *argv], env
        argv = substitute_paths(argv, self.volumes, spec)
        return argv, dict(zip(env, substitute_paths(list(env.values()), self.volumes, spec), strict=True))

    def _launch(self, run: ContainerRun) -> None:
        spec = run.spec
        argv, env = self.command(spec)
        run.log_path = self.workdir / f"{spec.name}.log"
        with run.log_path.open("a") as log_file:
            log_file.write(f"--- start #{run.starts + 1} of {spec.name}: {' '.join(spec.argv())[:160]!r}\n")
            log_file.flush()
            run.process = subprocess.Popen(argv, env=env, stdout=log_file, stderr=subprocess.STDOUT,
                                           stdin=subprocess.DEVNULL, start_new_session=True, cwd="/")
        run.started_at, run.starts = time.monotonic(), run.starts + 1
        self.events.append((run.started_at, f"started {spec.name} (#{run.starts}, pid {run.process.pid})"))
        threading.Thread(target=self._watch, args=(run, run.process), name=f"watch-{spec.name}",
                         daemon=True).start()
        log.info("started container %s (pid %s)", spec.name, run.process.pid)

    def _watch(self, run: ContainerRun, process: subprocess.Popen) -> None:
        code = process.wait()  # one watcher thread per started process: no polling
        with self._lock:
            if run.process is process and len(run.exits) < run.starts:
                self._exited(run, code)

    def _exited(self, run: ContainerRun, code: int) -> None:
        spec, ran = run.spec, time.monotonic() - run.started_at
        run.exits.append(code)
        self.events.append((time.monotonic(), f"{spec.name} exited {code} after {ran:.1f}s"))
        restart = (spec.restart_enabled and code not in spec.ignored_exit_codes
                   and ran >= spec.restart_attempt_period and not self._stopping.is_set())
        if restart:
            self._launch(run)
        elif spec.essential:
            self.stopped_reason = f"Essential container in task exited ({spec.name}, exit {code})"
            threading.Thread(target=self.stop, daemon=True).start()

    def kill_container(self, name: str, sig: int = signal.SIGKILL) -> None:
        run = self.runs[name]
        if not run.running:
            raise RuntimeError(f"container {name} is not running")
        self.signal(run, sig)

    def signal(self, run: ContainerRun, sig: int) -> None:
        _signal(run, sig)

    def stop(self) -> None:
        """Stop the task as ECS does: SIGTERM to every container, SIGKILL after its stopTimeout."""
        self._stopping.set()
        with self._lock:
            for run in self.runs.values():
                if run.running:
                    self.signal(run, signal.SIGTERM)
            for run in self.runs.values():
                if run.process is None:
                    continue
                try:
                    run.process.wait(timeout=run.spec.stop_timeout)
                except subprocess.TimeoutExpired:
                    self.signal(run, signal.SIGKILL)
                    run.process.wait(timeout=10)
                if len(run.exits) < run.starts:
                    run.exits.append(run.process.returncode)
        self.stopped_reason = self.stopped_reason or "Task stopped by the rehearsal"

    @property
    def stopped(self) -> bool:
        return self._stopping.is_set()


def _signal(run: ContainerRun, sig: int) -> None:
    try:
        os.killpg(run.process.pid, sig)
    except ProcessLookupError:
        pass
