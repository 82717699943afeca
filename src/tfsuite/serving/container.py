"""Run the pinned tensorflow/serving image with the model mounted as the ECS task lays it out.

The ECS task syncs s3://<bucket>/<model_name>/ into /models/<model_name>/ and starts TF Serving
with MODEL_NAME=<model_name> and MODEL_BASE_PATH=/models, so TF Serving reads
/models/<model_name>/<version>/. Here the local model/<model_name>/ folder (holding the version
folders) is bind-mounted read-only at the same place.

`engine` is a docker SDK client (docker.from_env()), or anything with the same small surface
(see tfsuite.testing.fake_docker).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tfsuite.serving.deployment import MODEL_BASE_PATH
from tfsuite.static.contract import REST_PORT as TF_SERVING_REST_PORT

REST_PORT = f"{TF_SERVING_REST_PORT}/tcp"
LABEL = "tfsuite.serving-test"


class DockerUnavailable(RuntimeError):
    """No Docker engine, or the image is absent and cannot be pulled: the message says which."""


class ContainerFailed(RuntimeError):
    """The container ran but did not serve: the message carries its logs."""


def connect(factory: Callable[[], Any] | None = None) -> Any:
    """A docker client whose engine answers a ping, or DockerUnavailable("no Docker engine: ...")."""
    import docker
    from docker.errors import DockerException

    engine = None
    try:
        engine = (factory or docker.from_env)()
        engine.ping()
    except DockerException as err:
        if engine is not None:
            engine.close()
        raise DockerUnavailable(f"no Docker engine: {err}") from err
    return engine


def ensure_image(engine: Any, image: str) -> str:
    """Make sure `image` is present, pulling it if needed; returns "present" or "pulled"."""
    from docker.errors import DockerException, ImageNotFound

    if ":" not in image.rsplit("/", 1)[-1]:
        raise ValueError(f"image {image!r} has no tag: the deployment pins one")
    try:
        engine.images.get(image)
        return "present"
    except ImageNotFound:
        pass
    try:
        engine.images.pull(image)
    except DockerException as err:
        raise DockerUnavailable(f"image {image} not present and cannot be pulled: {err}") from err
    return "pulled"


@dataclass
class ServingContainer:
    container: Any
    base_url: str

    def logs(self) -> str:
        try:
            return self.container.logs().decode("utf-8", "replace")
        except Exception as err:  # the logs are for a failure message: never hide the failure
            return f"(could not read the container's logs: {err})"

    def raise_if_exited(self) -> None:
        self.container.reload()
        if self.container.status in ("exited", "dead"):
            code = self.container.attrs.get("State", {}).get("ExitCode")
            raise ContainerFailed(f"TF Serving container {self.container.name} {self.container.status} "
                                  f"(exit code {code}); its logs:\n{self.logs()}")


def model_mount(model_dir: Path, model_name: str) -> dict:
    """The bind mount {host folder: {"bind": /models/<model_name>, "mode": "ro"}}."""
    model_dir = Path(model_dir).resolve()
    versions = [path for path in model_dir.glob("*")
                if path.name.isdigit() and (path / "saved_model.pb").is_file()]
    if not versions:
        raise ValueError(f"{model_dir} has no version folder with a saved_model.pb "
                         "(expected <model_dir>/<version>/saved_model.pb)")
    return {str(model_dir): {"bind": f"{MODEL_BASE_PATH}/{model_name}", "mode": "ro"}}


@contextmanager
def run_tf_serving(engine: Any, *, image: str, model_dir: Path, model_name: str,
                   host: str = "127.0.0.1") -> Iterator[ServingContainer]:
    """Start TF Serving detached, publish 8501 on a random port of `host`, and always remove it."""
    container = engine.containers.run(
        image,
        detach=True,
        name=f"tfsuite-serving-{uuid.uuid4().hex[:8]}",
        environment={"MODEL_NAME": model_name, "MODEL_BASE_PATH": MODEL_BASE_PATH},
        volumes=model_mount(model_dir, model_name),
        ports={REST_PORT: (host, None)},
        labels={LABEL: "1"},
    )
    try:
        container.reload()
        bindings = (container.ports or {}).get(REST_PORT)
        serving = ServingContainer(container, "")
        if not bindings:
            serving.raise_if_exited()
            raise ContainerFailed(f"container {container.name} publishes no {REST_PORT}; "
                                  f"its logs:\n{serving.logs()}")
        serving.base_url = f"http://{host}:{bindings[0]['HostPort']}"
        yield serving
    finally:
        container.remove(force=True)
