"""A stand-in for the docker SDK client, for exercising the Docker path without an engine.

It implements only what tfsuite.serving.container uses. A started "container" publishes 8501 on
the port of a running TFServingStub, so everything after the engine calls talks HTTP for real.
Real docker.errors types are raised, as the SDK would.
"""

from __future__ import annotations

from typing import Any

from docker.errors import ImageNotFound

from tfsuite.serving.container import REST_PORT


class FakeContainer:
    def __init__(self, name: str, run_kwargs: dict, *, host_port: int | None, exit_code: int | None,
                 exit_after_reloads: int, log_text: str) -> None:
        self.name = name
        self.run_kwargs = run_kwargs
        self.status = "created"
        self.attrs: dict = {"State": {}}
        self.ports: dict = {}
        self.removed = False
        self._host_port = host_port
        self._exit_code = exit_code
        self._reloads_before_exit = exit_after_reloads
        self._log_text = log_text

    def reload(self) -> None:
        if self._exit_code is not None and self._reloads_before_exit <= 0:
            self.status, self.ports = "exited", {}
            self.attrs = {"State": {"Status": "exited", "ExitCode": self._exit_code}}
            return
        self._reloads_before_exit -= 1
        self.status = "running"
        self.attrs = {"State": {"Status": "running", "ExitCode": 0}}
        if self._host_port is not None:
            self.ports = {REST_PORT: [{"HostIp": "127.0.0.1", "HostPort": str(self._host_port)}]}

    def logs(self) -> bytes:
        return self._log_text.encode()

    def remove(self, force: bool = False) -> None:
        self.removed = True


class FakeContainers:
    def __init__(self, client: FakeDockerClient) -> None:
        self._client = client
        self.started: list[FakeContainer] = []

    def run(self, image: str, **kwargs: Any) -> FakeContainer:
        if image not in self._client.images.present:
            raise ImageNotFound(f"No such image: {image}")
        client = self._client
        container = FakeContainer(kwargs.get("name", f"fake-{len(self.started)}"), {"image": image, **kwargs},
                                  host_port=client.host_port, exit_code=client.exit_code,
                                  exit_after_reloads=client.exit_after_reloads, log_text=client.log_text)
        self.started.append(container)
        return container


class FakeImages:
    def __init__(self, present: set[str], pull_error: Exception | None) -> None:
        self.present = set(present)
        self.pull_error = pull_error
        self.pulled: list[str] = []

    def get(self, image: str) -> str:
        if image not in self.present:
            raise ImageNotFound(f"No such image: {image}")
        return image

    def pull(self, image: str, tag: str | None = None) -> str:
        if self.pull_error is not None:
            raise self.pull_error
        self.present.add(image)
        self.pulled.append(image)
        return image


class FakeDockerClient:
    """`host_port`: where the container's 8501 goes (a stub's port); `exit_code` with
    `exit_after_reloads`: the container exits after that many status checks, with `log_text`."""

    def __init__(self, *, host_port: int | None = None, images: set[str] = frozenset(),
                 ping_error: Exception | None = None, pull_error: Exception | None = None,
                 exit_code: int | None = None, exit_after_reloads: int = 0,
                 log_text: str = "tensorflow_model_server: fake container log") -> None:
        self.host_port = host_port
        self.ping_error = ping_error
        self.exit_code = exit_code
        self.exit_after_reloads = exit_after_reloads
        self.log_text = log_text
        self.images = FakeImages(set(images), pull_error)
        self.containers = FakeContainers(self)
        self.closed = False

    def close(self) -> None:
        self.closed = True

    def ping(self) -> bool:
        if self.ping_error is not None:
            raise self.ping_error
        return True
