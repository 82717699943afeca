"""moto's server in a process of its own, with the compatibility fixes of the embedded one.

moto keeps its state and its IAM enforcement switch (`/moto-api/reset-auth`) per process: two
servers in one process share both. A second process lets one run apply with enforcement off (the
override file signs with the emulator's root keys) while another run has it on, side by side.

    with MotoProcess() as emulator:              # StartedEmulator: start() gives the Emulator
        ...
    python -m tfsuite.emulator.moto_process      # prints its endpoint; serves until stdin closes

The child ends when its stdin closes, so it never outlives the process that started it.
"""

from __future__ import annotations

import argparse
import logging
import os
import select
import subprocess
import sys
import tempfile

from tfsuite.emulator.endpoint import Emulator, StartedEmulator
from tfsuite.paths import REPO_ROOT

READY_SECONDS = 60  # moto starts in about 1 s; the machine may be busy


class MotoProcess(StartedEmulator):
    def __init__(self, region: str = "eu-west-1", host: str = "127.0.0.1") -> None:
        if not host.startswith("127.") and host != "localhost":
            raise ValueError(f"the moto process only listens on loopback, not {host!r}")
        self.region, self.host = region, host
        self._process: subprocess.Popen | None = None
        self.emulator: Emulator | None = None

    def start(self) -> Emulator:
        if self._process is not None:
            raise RuntimeError("the moto process is already running")
        log_file = tempfile.NamedTemporaryFile(prefix="tfsuite-moto-", suffix=".log", delete=False)  # noqa: SIM115
        path = os.pathsep.join(p for p in (str(REPO_ROOT / "src"), os.environ.get("PYTHONPATH", "")) if p)
        process = subprocess.Popen([sys.executable, "-m", "tfsuite.emulator.moto_process", "--host", self.host],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log_file, text=True,
                                   env={**os.environ, "PYTHONPATH": path})
        log_file.close()
        ready, _, _ = select.select([process.stdout], [], [], READY_SECONDS)
        endpoint = process.stdout.readline().strip() if ready else ""
        if not endpoint.startswith("http://"):
            process.kill()
            process.wait()
            with open(log_file.name, encoding="utf-8", errors="replace") as fh:
                tail = fh.read()[-2000:]
            raise RuntimeError(f"moto process not ready within {READY_SECONDS}s (exit {process.poll()}):\n{tail}")
        os.unlink(log_file.name)
        self._process = process
        from importlib.metadata import version

        self.emulator = Emulator("moto", endpoint, self.region, services=None, edition=version("moto"))
        return self.emulator

    def stop(self) -> None:
        process, self._process, self.emulator = self._process, None, None
        if process is None:
            return
        process.stdin.close()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0: a free one")
    args = parser.parse_args(argv)
    from moto.server import ThreadedMotoServer

    from tfsuite.emulator import moto_compat

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    moto_compat.apply()
    server = ThreadedMotoServer(ip_address=args.host, port=args.port, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    print(f"http://{host}:{port}", flush=True)
    sys.stdin.read()  # until the parent closes it or ends
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
