"""LocalStack: read what an endpoint offers, or start one on the host (no Docker).

Editions differ: community answers 501 for ecs, elbv2, ecr and application-autoscaling, so the
offered services are read from /_localstack/health and the rest of the suite leaves those
services' resources out.

Host start (FIELD-NOTES §3): `python -m localstack.runtime.main` with GATEWAY_LISTEN on a free
loopback port, GATEWAY_SERVER=hypercorn and DNS_ADDRESS=0 (no DNS server on port 53), in the
Python environment that has localstack-core (tox -e localstack installs it).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from tenacity import RetryError, Retrying, retry_if_exception_type, stop_after_delay, wait_fixed

from tfsuite.emulator.endpoint import Emulator, StartedEmulator

log = logging.getLogger(__name__)

HEALTH_PATH = "/_localstack/health"
OFFERED_STATES = frozenset({"available", "running"})
ENDPOINT_ENV = "LOCALSTACK_ENDPOINT"


class LocalStackUnavailable(RuntimeError):
    """No LocalStack answers where we looked, or it could not be started: the message says why."""


def read_health(endpoint: str, timeout: float = 3.0) -> dict:
    url = endpoint.rstrip("/") + HEALTH_PATH
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (loopback/user URL)
            return json.loads(response.read())
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise LocalStackUnavailable(f"no LocalStack health at {url}: {exc}") from exc


def offered_services(health: dict) -> frozenset[str]:
    """Services whose state is available or running; disabled and error states are not offered."""
    services = health.get("services")
    if not isinstance(services, dict):
        raise LocalStackUnavailable(f"LocalStack health has no 'services' map: {health!r}")
    return frozenset(name for name, state in services.items() if state in OFFERED_STATES)


def connect(endpoint: str, region: str = "eu-west-1") -> Emulator:
    """An Emulator for a running LocalStack, with the services its health lists as offered."""
    health = read_health(endpoint)
    return Emulator("localstack", endpoint.rstrip("/"), region, services=offered_services(health),
                    edition=f"{health.get('version', '?')}, {health.get('edition', 'unknown')} edition",
                    details={"health": health})


def endpoint_from_env() -> str | None:
    value = os.environ.get(ENDPOINT_ENV, "").strip()
    return value or None


def free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def is_installed(python: str | None = None) -> bool:
    python = python or sys.executable
    probe = subprocess.run([python, "-c", "import localstack.runtime.main"], capture_output=True)
    return probe.returncode == 0


class HostLocalStack(StartedEmulator):
    """LocalStack started as a child process of this one, on a free loopback port.

    Its log goes to a private directory removed at stop(). LocalStack itself keeps S3 data under
    /tmp/localstack-s3-storage and caches under /var/lib/localstack (in a container) or
    ~/.cache/localstack.
    """

    def __init__(self, region: str = "eu-west-1", python: str | None = None,
                 ready_timeout: float = 90.0) -> None:
        if ready_timeout <= 0:
            raise ValueError(f"ready_timeout must be positive, not {ready_timeout!r}")
        self.region = region
        self.python = python or sys.executable
        self.ready_timeout = ready_timeout
        self.process: subprocess.Popen | None = None
        self.workdir: Path | None = None
        self.emulator: Emulator | None = None

    def start(self) -> Emulator:
        if self.process is not None:
            raise RuntimeError("this LocalStack is already running")
        if not is_installed(self.python):
            raise LocalStackUnavailable(
                f"localstack-core is not installed for {self.python}: "
                "run `tox -e localstack` (it installs requirements/localstack.txt)")
        started = time.monotonic()
        port = free_loopback_port()
        endpoint = f"http://127.0.0.1:{port}"
        self.workdir = Path(tempfile.mkdtemp(prefix="tfsuite-localstack-"))
        env = {
            **os.environ,
            "GATEWAY_LISTEN": f"127.0.0.1:{port}",
            "GATEWAY_SERVER": "hypercorn",
            "DNS_ADDRESS": "0",
            "SKIP_SSL_CERT_DOWNLOAD": "1",  # offline: do not try to fetch the test certificate
            "DISABLE_EVENTS": "1",  # no analytics calls
        }
        env.pop(ENDPOINT_ENV, None)
        log_path = self.workdir / "localstack.log"
        with log_path.open("wb") as log_file:
            self.process = subprocess.Popen([self.python, "-m", "localstack.runtime.main"], env=env,
                                            stdout=log_file, stderr=subprocess.STDOUT,
                                            cwd=self.workdir, start_new_session=True)
        try:
            self.emulator = self._wait_until_ready(endpoint, log_path)
        except BaseException:
            self.stop()
            raise
        log.info("LocalStack %s ready at %s in %.1fs", self.emulator.edition, endpoint,
                 time.monotonic() - started)
        return self.emulator

    def _wait_until_ready(self, endpoint: str, log_path: Path) -> Emulator:
        def attempt() -> Emulator:
            if self.process is not None and self.process.poll() is not None:
                raise _Exited(self.process.returncode)
            emulator = connect(endpoint, self.region)
            if not emulator.services:
                raise LocalStackUnavailable("LocalStack answers but lists no service yet")
            return emulator

        try:
            for attempt_state in Retrying(stop=stop_after_delay(self.ready_timeout), wait=wait_fixed(0.5),
                                          retry=retry_if_exception_type(LocalStackUnavailable),
                                          reraise=False):
                with attempt_state:
                    return attempt()
        except _Exited as exc:
            raise LocalStackUnavailable(
                f"LocalStack exited with code {exc.code} before answering; last lines of {log_path}:\n"
                + _tail(log_path)) from None
        except RetryError:
            raise LocalStackUnavailable(
                f"LocalStack did not answer {endpoint}{HEALTH_PATH} within {self.ready_timeout:.0f}s; "
                f"last lines of {log_path}:\n" + _tail(log_path)) from None
        raise AssertionError("unreachable")

    def stop(self) -> None:
        if self.process is not None:
            if self.process.poll() is None:
                self.process.terminate()
                try:
                    self.process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait(timeout=10)
            self.process = None
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None
        self.emulator = None


class _Exited(Exception):
    def __init__(self, code: int | None) -> None:
        super().__init__(code)
        self.code = code


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"
