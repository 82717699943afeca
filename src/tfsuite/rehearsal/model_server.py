"""A TF Serving-compatible model server: `tensorflow_model_server` as the rehearsal runs it where no
Docker engine answers. Part of the harness (the rehearsal's stand-in for the TF Serving container),
not a test double: it loads the real SavedModel with TensorFlow and computes every prediction.

    python -m tfsuite.rehearsal.model_server --port=8500 --rest_api_port=8501 \\
        --model_name=empty_model --model_base_path=/models/empty_model --file_system_poll_wait_seconds=2

Flags are TF Serving's (`--name=value`); the ones it implements are in FLAGS. As TF Serving's main():
a bad value for a known flag or a missing --model_base_path prints the reason and exits 255 (its
`return -1`); an unknown argument is reported ("unknown argument: ...") and the server starts anyway.
A flag TF Serving has but this server does not implement (model_config_file, batching, ...) is
refused (exit 1), naming it.

What it does as TF Serving does: polls the base path every --file_system_poll_wait_seconds, serves
the newest numeric version, unloads deleted ones, retries failed loads --max_num_load_retries times,
and opens the REST port only after the first version loaded. What it does not: the gRPC API
(--port is accepted and not served). It binds the REST port on the task's address
(TFSUITE_TASK_ADDRESS, default 127.0.0.1): every task has its own address, as in awsvpc mode.
SIGTERM stops it at once (exit 0).
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from dataclasses import dataclass

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

ADDRESS_ENV = "TFSUITE_TASK_ADDRESS"
# flag -> (type, default); TF Serving's names and defaults
FLAGS: dict[str, tuple[type, object]] = {
    "port": (int, 8500),
    "rest_api_port": (int, 0),
    "rest_api_timeout_in_ms": (int, 30000),
    "rest_api_num_threads": (int, 0),
    "model_name": (str, "default"),
    "model_base_path": (str, ""),
    "file_system_poll_wait_seconds": (int, 1),
    "max_num_load_retries": (int, 5),
    "load_retry_interval_micros": (int, 60_000_000),
    "enable_model_warmup": (bool, True),
    "tensorflow_intra_op_parallelism": (int, 0),
    "tensorflow_inter_op_parallelism": (int, 0),
    "num_load_threads": (int, 0),
    "num_unload_threads": (int, 0),
}
NOT_IMPLEMENTED = {"model_config_file", "model_config_file_poll_wait_seconds", "enable_batching",
                   "batching_parameters_file", "platform_config_file", "monitoring_config_file",
                   "grpc_socket_path", "ssl_config_file", "prefer_tflite_model", "use_tflite_model"}


class FlagError(ValueError):
    pass


class NotImplementedFlag(FlagError):
    pass


@dataclass(frozen=True)
class ServerOptions:
    values: dict

    def __getattr__(self, name: str):
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None


def parse_flags(argv: list[str]) -> ServerOptions:
    values = {name: default for name, (_, default) in FLAGS.items()}
    values["unknown"] = []
    for arg in argv:
        name, has_value, raw = arg[2:].partition("=")
        if name in NOT_IMPLEMENTED:
            raise NotImplementedFlag(f"--{name} is a TF Serving flag the rehearsal's model server does not implement")
        if not arg.startswith("--") or name not in FLAGS:
            values["unknown"].append(arg)
            continue
        kind = FLAGS[name][0]
        if kind is bool:
            if has_value and raw not in ("true", "false", "1", "0"):
                raise FlagError(f"Illegal value '{raw}' for bool flag --{name}")
            values[name] = raw in ("true", "1") if has_value else True
            continue
        if not has_value:
            raise FlagError(f"--{name} needs a value: --{name}=...")
        try:
            values[name] = kind(raw)
        except ValueError:
            raise FlagError(f"Illegal value '{raw}' for {kind.__name__} flag --{name}") from None
    if not values["model_base_path"]:
        raise FlagError("--model_base_path is required (or a --model_config_file, not supported here)")
    if not 0 < values["rest_api_port"] < 65536:
        raise FlagError("--rest_api_port must be a port number: the REST API is what the rehearsal calls")
    if values["rest_api_port"] == values["port"]:
        raise FlagError("--port and --rest_api_port must differ")
    return ServerOptions(values)


def run(options: ServerOptions, address: str, stop: threading.Event | None = None) -> int:
    from tfsuite.rehearsal.rest import serve
    from tfsuite.rehearsal.servables import VersionManager

    stop = stop or threading.Event()
    manager = VersionManager(options.model_name, options.model_base_path,
                             max_load_retries=options.max_num_load_retries,
                             retry_interval_seconds=options.load_retry_interval_micros / 1e6)
    interval = max(options.file_system_poll_wait_seconds, 0)
    log = logging.getLogger("tfsuite.rehearsal.model_server")
    log.info("Building single TensorFlow model file config: model_name: %s model_base_path: %s",
             options.model_name, options.model_base_path)
    while not manager.first_load.is_set():  # TF Serving opens its ports after the first load
        manager.poll()
        if manager.first_load.is_set() or stop.wait(interval or 1):
            break
    if stop.is_set():
        return 0
    server = serve(manager, address, options.rest_api_port)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
    log.info("Exporting HTTP/REST API at:%s:%d ...", address, options.rest_api_port)
    while interval and not stop.wait(interval):
        manager.poll()
    stop.wait()
    server.shutdown()
    server.server_close()
    return 0


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname).1s tensorflow_model_server] %(message)s")
    try:
        options = parse_flags(sys.argv[1:] if argv is None else argv)
    except NotImplementedFlag as err:
        print(f"tensorflow_model_server: {err}", file=sys.stderr)
        return 1
    except FlagError as err:
        print(f"tensorflow_model_server: {err}", file=sys.stderr)
        return 255
    for arg in options.unknown:
        print(f"unknown argument: {arg}", file=sys.stderr)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    return run(options, os.environ.get(ADDRESS_ENV, "127.0.0.1"), stop)


if __name__ == "__main__":
    sys.exit(main())
