"""moto's server, embedded: a thread in this process on a free loopback port.

No Docker and no external process to manage; the compatibility fixes of moto_compat apply
because the server runs in-process.
"""

from __future__ import annotations

import logging
import time

from tfsuite.emulator.endpoint import Emulator, StartedEmulator

log = logging.getLogger(__name__)


class EmbeddedMoto(StartedEmulator):
    """moto's ThreadedMotoServer on a free loopback port (see StartedEmulator for start/stop/with)."""

    def __init__(self, region: str = "eu-west-1", host: str = "127.0.0.1") -> None:
        if not host.startswith("127.") and host != "localhost":
            raise ValueError(f"the embedded moto server only listens on loopback, not {host!r}")
        self.region = region
        self.host = host
        self._server = None
        self.emulator: Emulator | None = None

    def start(self) -> Emulator:
        if self._server is not None:
            raise RuntimeError("the embedded moto server is already running")
        from moto.server import ThreadedMotoServer

        from tfsuite.emulator import moto_compat  # imports moto: only where the server runs

        started = time.monotonic()
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one access-log line per AWS call otherwise
        moto_compat.apply()
        server = ThreadedMotoServer(ip_address=self.host, port=0, verbose=False)  # port 0: a free one
        server.start()
        self._server = server
        host, port = server.get_host_and_port()
        self.emulator = Emulator("moto", f"http://{host}:{port}", self.region, services=None,
                                 edition=_moto_version())
        log.info("embedded moto %s ready at %s in %.1fs", self.emulator.edition, self.emulator.endpoint,
                 time.monotonic() - started)
        return self.emulator

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None
            self.emulator = None


def _moto_version() -> str:
    from importlib.metadata import version

    return version("moto")
