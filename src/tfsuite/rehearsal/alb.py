"""The ALB stand-in: a listener on the listener port that forwards to the target's port, and the
target group's health check as read back from the emulator.

Health checks as an ALB runs them: every `interval` seconds a GET of `path` on the target's traffic
port, with `timeout`; a success is a status in `matcher` ("200", "200-299", "200,204"). A new
target is "initial" until `healthy_threshold` successes in a row make it "healthy"; a healthy one
turns "unhealthy" after `unhealthy_threshold` failures in a row (and back after healthy_threshold
successes).

Listener: requests go to the target while it is healthy. While no target is healthy the stand-in
answers 503, as an ALB does when no target is eligible. (A real ALB "fails open" once every target
is unhealthy and forwards anyway, which gives 502 when nothing listens; ECS then replaces the task.
Both are a failed request; the stand-in keeps the one answer.) A forward that gets no answer is
502; one that takes longer than the idle timeout is 504.
"""

from __future__ import annotations

import http.client
import re
import ssl
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
               "proxy-authorization", "proxy-authenticate", "host", "content-length"}


@dataclass(frozen=True)
class HealthCheck:
    path: str
    matcher: str
    interval: int
    timeout: int
    healthy_threshold: int
    unhealthy_threshold: int
    protocol: str = "HTTP"
    port: str = "traffic-port"

    @classmethod
    def from_target_group(cls, group: dict) -> HealthCheck:
        """From elbv2 DescribeTargetGroups."""
        return cls(path=group["HealthCheckPath"], matcher=group["Matcher"]["HttpCode"],
                   interval=int(group["HealthCheckIntervalSeconds"]),
                   timeout=int(group["HealthCheckTimeoutSeconds"]),
                   healthy_threshold=int(group["HealthyThresholdCount"]),
                   unhealthy_threshold=int(group["UnhealthyThresholdCount"]),
                   protocol=group.get("HealthCheckProtocol", "HTTP"),
                   port=str(group.get("HealthCheckPort", "traffic-port")))

    def __post_init__(self) -> None:
        if self.protocol not in ("HTTP", "HTTPS"):
            raise ValueError(f"health check protocol {self.protocol} is not an ALB health check protocol")
        if not re.fullmatch(r"[0-9]{3}(-[0-9]{3})?(,[0-9]{3}(-[0-9]{3})?)*", self.matcher):
            raise ValueError(f"health check matcher {self.matcher!r} is not an ALB HTTP code list")
        if not (self.interval > 0 and 0 < self.timeout < self.interval + 1):
            raise ValueError(f"health check interval {self.interval}s / timeout {self.timeout}s are not valid")

    def matches(self, status: int) -> bool:
        for part in self.matcher.split(","):
            low, _, high = part.partition("-")
            if int(low) <= status <= int(high or low):
                return True
        return False


class TargetHealth:
    """The health-check loop for one target (address, port)."""

    def __init__(self, check: HealthCheck, address: str, port: int) -> None:
        self.check, self.address = check, address
        self.port = port if check.port == "traffic-port" else int(check.port)
        self.traffic_port = port
        self.state = "initial"
        self.transitions: list[tuple[float, str, str]] = [(time.monotonic(), "initial", "registered")]
        self.checks = 0
        self.last_detail = ""  # what the last health check saw ("HTTP 200", "ConnectionRefusedError: ...")
        self._run = 0  # consecutive results of the same kind (+ successes, - failures)
        self._stop = threading.Event()
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._loop, name="alb-health", daemon=True)

    def start(self) -> TargetHealth:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _loop(self) -> None:
        while not self._stop.is_set():  # the ALB's own schedule: one check per interval
            ok, detail = self.probe()
            self._record(ok, detail)
            if self._stop.wait(self.check.interval):
                return

    def probe(self) -> tuple[bool, str]:
        if self.check.protocol == "HTTPS":  # an ALB does not verify the target's certificate
            connection = http.client.HTTPSConnection(self.address, self.port, timeout=self.check.timeout,
                                                     context=ssl._create_unverified_context())
        else:
            connection = http.client.HTTPConnection(self.address, self.port, timeout=self.check.timeout)
        try:
            connection.request("GET", self.check.path, headers={"User-Agent": "ELB-HealthChecker/2.0"})
            status = connection.getresponse().status
            return self.check.matches(status), f"HTTP {status}"
        except OSError as err:
            return False, f"{type(err).__name__}: {err}"
        finally:
            connection.close()

    def _record(self, ok: bool, detail: str) -> None:
        with self._changed:
            self.checks += 1
            self.last_detail = detail
            self._run = (max(self._run, 0) + 1) if ok else (min(self._run, 0) - 1)
            new = self.state
            if ok and self._run >= self.check.healthy_threshold:
                new = "healthy"
            elif not ok and self.state == "healthy" and -self._run >= self.check.unhealthy_threshold:
                new = "unhealthy"
            elif not ok and self.state == "initial" and -self._run >= self.check.unhealthy_threshold:
                new = "unhealthy"
            if new != self.state:
                self.state = new
                self.transitions.append((time.monotonic(), new, detail))
            self._changed.notify_all()

    def wait_for(self, state: str, timeout: float) -> bool:
        """Block until the target is in `state` (True) or timeout passes (False)."""
        with self._changed:
            return self._changed.wait_for(lambda: self.state == state, timeout=timeout)

    def wait_checks(self, count: int, timeout: float) -> bool:
        """Block until `count` more health checks have run."""
        with self._changed:
            target = self.checks + count
            return self._changed.wait_for(lambda: self.checks >= target, timeout=timeout)


class AlbStandIn:
    def __init__(self, address: str, listener_port: int, target: TargetHealth, idle_timeout: int = 60) -> None:
        self.address, self.listener_port, self.target = address, listener_port, target
        self.idle_timeout = idle_timeout
        self.answers: list[int] = []  # status of every listener answer, in order
        self._server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.address}:{self.listener_port}"

    def start(self) -> AlbStandIn:
        server = ThreadingHTTPServer((self.address, self.listener_port), _Forwarder)
        server.daemon_threads = True
        server.alb = self  # type: ignore[attr-defined]
        self._server = server
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
        return self

    def stop(self) -> None:
        self.target.stop()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def forward(self, method: str, path: str, headers: dict, body: bytes) -> tuple[int, dict, bytes]:
        if self.target.state != "healthy":
            return 503, {"Content-Type": "text/html"}, b"<html><body><h1>503 Service Temporarily Unavailable</h1>"
        connection = http.client.HTTPConnection(self.target.address, self.target.traffic_port,
                                                timeout=self.idle_timeout)
        try:
            connection.request(method, path, body=body or None,
                               headers={k: v for k, v in headers.items() if k.lower() not in _HOP_BY_HOP})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        except TimeoutError:
            return 504, {"Content-Type": "text/html"}, b"<html><body><h1>504 Gateway Time-out</h1></body></html>"
        except OSError:
            return 502, {"Content-Type": "text/html"}, b"<html><body><h1>502 Bad Gateway</h1></body></html>"
        finally:
            connection.close()


class _Forwarder(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _handle(self) -> None:
        alb: AlbStandIn = self.server.alb  # type: ignore[attr-defined]
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status, headers, payload = alb.forward(self.command, self.path, dict(self.headers), body)
        alb.answers.append(status)
        try:
            self.send_response(status)
            for key, value in headers.items():
                if key.lower() not in _HOP_BY_HOP:
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle  # noqa: N815

    def log_message(self, format: str, *args: Any) -> None:
        pass
