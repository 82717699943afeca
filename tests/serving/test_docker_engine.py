"""Only a machine where no Docker daemon answers gets "no Docker engine" (a skip the serving layer
may have); every other Docker error fails with its reason. Driven through the real docker SDK
(docker.from_env, as the serving tests connect) with DOCKER_HOST pointed at sockets made here."""

from __future__ import annotations

import socket
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from docker.errors import APIError

from tfsuite.serving.container import DockerBroken, DockerUnavailable, connect
from tfsuite.testing.fake_docker import FakeDockerClient


@pytest.fixture
def docker_host(monkeypatch):
    def point(url: str, **extra: str) -> None:
        for name in ("DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "DOCKER_CONTEXT"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("DOCKER_HOST", url)
        for name, value in extra.items():
            monkeypatch.setenv(name, value)
    return point


@pytest.fixture
def bound_unix_socket(tmp_path):
    """A unix socket path that exists but where nothing listens: the kernel refuses connections."""
    path = tmp_path / "docker.sock"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(path))
    yield path
    sock.close()


@pytest.fixture
def plain_http_port():
    """A loopback port answering plain HTTP (a TLS client gets a TLS error there)."""
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


# --- no daemon answers: the excused skip ---------------------------------------------------------

def test_a_missing_socket_means_no_docker_engine(docker_host, tmp_path):
    docker_host(f"unix://{tmp_path / 'absent.sock'}")
    with pytest.raises(DockerUnavailable, match="^no Docker engine: .*No such file or directory"):
        connect()


def test_a_socket_that_refuses_means_no_docker_engine(docker_host, bound_unix_socket):
    docker_host(f"unix://{bound_unix_socket}")
    with pytest.raises(DockerUnavailable, match="^no Docker engine: .*Connection refused"):
        connect()


def test_a_tcp_port_that_refuses_means_no_docker_engine(docker_host, closed_port):
    docker_host(f"tcp://127.0.0.1:{closed_port}")
    with pytest.raises(DockerUnavailable, match="^no Docker engine: .*Connection refused"):
        connect()


# --- a daemon is configured or answers, but cannot be used: a failure -------------------------------

def test_permission_denied_on_the_socket_fails_with_its_reason(docker_host, bound_unix_socket, monkeypatch):
    # root passes any file mode, so the kernel's answer to a user outside the docker group is played
    # by the socket: connecting to this path raises what connect(2) raises there (EACCES)
    real_connect = socket.socket.connect

    def connect_as_outsider(sock, address):
        if address == str(bound_unix_socket):
            raise PermissionError(13, "Permission denied")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect_as_outsider)
    docker_host(f"unix://{bound_unix_socket}")
    with pytest.raises(DockerBroken, match=f"DOCKER_HOST: unix://{bound_unix_socket}.*Permission denied"):
        connect()


def test_a_tls_error_fails_with_its_reason(docker_host, plain_http_port):
    docker_host(f"https://127.0.0.1:{plain_http_port}")
    with pytest.raises(DockerBroken, match=r"not usable .*SSLError.*WRONG_VERSION_NUMBER"):
        connect()


def test_tls_asked_for_without_certificates_fails_with_its_reason(docker_host, tmp_path):
    docker_host("tcp://127.0.0.1:2376", DOCKER_TLS_VERIFY="1", DOCKER_CERT_PATH=str(tmp_path / "no-certs"))
    with pytest.raises(DockerBroken, match="not usable .*certificate"):
        connect()


@pytest.mark.parametrize("host, reason", [
    ("tcp://docker-host.invalid:2375", "Failed to resolve"),
    ("bogus://somewhere", "Invalid bind address protocol"),
])
def test_a_wrong_docker_host_fails_with_its_reason(docker_host, host, reason):
    docker_host(host)
    with pytest.raises(DockerBroken, match=f"DOCKER_HOST: {host}.*{reason}"):
        connect()


def test_a_daemon_that_answers_with_an_error_fails_and_the_client_is_closed():
    engine = FakeDockerClient(ping_error=APIError("500 Server Error: daemon is shutting down"))
    with pytest.raises(DockerBroken, match="500 Server Error"):
        connect(lambda: engine)
    assert engine.closed


def test_the_serving_layer_fails_rather_than_skips_on_a_broken_docker(tmp_path):
    """The serving fixture turns DockerBroken into a failure of the Docker test, not a skip."""
    import os
    import sys

    from tfsuite.paths import REPO_ROOT

    env = {**os.environ, "DOCKER_HOST": "tcp://docker-host.invalid:2375", "TFSUITE_REPORTS_DIR": str(tmp_path),
           "PYTHONPATH": str(REPO_ROOT / "src")}
    result = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rfs",
                             "tests/serving/test_docker_serving.py::test_tf_serving_answers_the_readme_request[docker]"],
                            cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stdout[-2000:]
    assert "1 error" in result.stdout and "skipped" not in result.stdout
    assert "Docker engine not usable (DOCKER_HOST: tcp://docker-host.invalid:2375)" in result.stdout

