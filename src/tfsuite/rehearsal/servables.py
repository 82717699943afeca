"""The model half of the TF Serving stand-in: which versions of one model are loaded, as TF Serving's
file-system source and "latest" version policy decide it.

- A version is a numeric folder under the model base path (`<base>/<model_name>/<version>/`).
- Every poll (`--file_system_poll_wait_seconds`) the folder is listed again. The newest version is
  the one aspired to: it is loaded with TensorFlow (`tf.saved_model.load`) while the version served
  so far keeps serving (availability preserving), then the older one is unloaded.
- A version whose folder disappears is unloaded; if it was the served one, the newest remaining
  version is loaded.
- A load that fails is retried (`--max_num_load_retries`, default 5, spaced by
  `--load_retry_interval_micros`); after that TF Serving gives up on that version until it leaves
  the listing, and so does this.

Predictions and metadata come from the loaded SavedModel's signature, never from a formula.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger("tfsuite.rehearsal.model_server")

AVAILABLE, LOADING, END = "AVAILABLE", "LOADING", "END"
_VERSION = re.compile(r"^[0-9]+$")


@dataclass
class VersionState:
    version: int
    state: str
    error: str = ""
    failures: int = 0
    next_try: float = 0.0


@dataclass
class Loaded:
    version: int
    path: Path
    model: Any  # the object tf.saved_model.load returned
    signature_defs: dict = field(default_factory=dict)  # name -> SignatureDef proto


class ModelNotFound(LookupError):
    pass


class VersionManager:
    def __init__(self, name: str, base_path: str, *, max_load_retries: int = 5,
                 retry_interval_seconds: float = 60.0) -> None:
        from tfsuite.rehearsal.s3_source import S3Source

        self.name = name
        self.source = S3Source(base_path) if base_path.startswith("s3://") else None  # native_s3 mode
        self.base_path = Path(base_path) if self.source is None else base_path
        self.max_load_retries = max_load_retries
        self.retry_interval_seconds = retry_interval_seconds
        self.states: dict[int, VersionState] = {}
        self.served: Loaded | None = None
        self.first_load = threading.Event()
        self._lock = threading.Lock()

    # --- polling ---------------------------------------------------------------------------
    def listed_versions(self) -> list[int]:
        if self.source is not None:
            from tfsuite.rehearsal.s3_source import SourceError

            try:
                return self.source.versions()
            except SourceError as err:
                log.error("File system source for servable %s at %s: %s", self.name, self.base_path, err)
                return []
        try:
            entries = os.listdir(self.base_path)
        except FileNotFoundError:
            log.warning("File system path %s for servable %s does not exist yet", self.base_path, self.name)
            return []
        except OSError as err:
            log.warning("cannot list %s: %s", self.base_path, err)
            return []
        return sorted(int(e) for e in entries if _VERSION.match(e) and (self.base_path / e).is_dir())

    def poll(self) -> None:
        """One pass of the file-system source and the version policy."""
        listed = self.listed_versions()
        present = set(listed)
        with self._lock:
            for gone in [v for v in self.states if v not in present]:
                log.info("version %s of %s is gone from %s: unloading", gone, self.name, self.base_path)
                del self.states[gone]
            if self.served is not None and self.served.version not in present:
                self.served = None
        candidates = [v for v in listed if not self._given_up(v)]
        if not candidates:
            if not listed:
                log.info("No versions of servable %s found under base path %s", self.name, self.base_path)
            return
        aspired = candidates[-1]
        if self.served is not None and self.served.version == aspired:
            return
        self._try_load(aspired)

    def _given_up(self, version: int) -> bool:
        state = self.states.get(version)
        return state is not None and state.state == END

    def _try_load(self, version: int) -> None:
        state = self.states.setdefault(version, VersionState(version, LOADING))
        if time.monotonic() < state.next_try:
            return
        path = f"{self.base_path}/{version}"
        log.info("Loading servable version {name: %s version: %s} from %s", self.name, version, path)
        try:
            local = self.source.fetch(version) if self.source is not None else Path(path)
            loaded = _load(version, local)
        except Exception as err:  # TensorFlow raises many kinds: each is a failed load
            state.failures += 1
            state.error = f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}"
            if state.failures > self.max_load_retries:
                state.state = END
                log.error("giving up on version %s of %s after %d tries: %s", version, self.name,
                          state.failures, state.error)
            else:
                state.next_try = time.monotonic() + self.retry_interval_seconds
                log.warning("loading version %s of %s failed (try %d): %s", version, self.name,
                            state.failures, state.error)
            return
        with self._lock:
            previous = self.served
            self.served = loaded
            state.state, state.error = AVAILABLE, ""
            for older in [v for v in self.states if v < version]:  # no longer aspired to
                del self.states[older]
            if previous is not None and previous.version != version:
                log.info("Unloading servable version {name: %s version: %s}", self.name, previous.version)
        log.info("Successfully loaded servable version {name: %s version: %s}", self.name, version)
        self.first_load.set()

    # --- what the REST API reads -----------------------------------------------------------
    def status(self) -> list[dict]:
        with self._lock:
            states = sorted(self.states.values(), key=lambda s: -s.version)
        return [{"version": str(s.version), "state": s.state,
                 "status": {"error_code": "UNKNOWN" if s.error else "OK", "error_message": s.error}}
                for s in states]

    def servable(self, version: int | None = None) -> Loaded:
        with self._lock:
            served = self.served
        if served is None or (version is not None and served.version != version):
            wanted = f"Specific({self.name}, {version})" if version is not None else f"Latest({self.name})"
            raise ModelNotFound(f"Servable not found for request: {wanted}")
        return served


def _load(version: int, path: Path) -> Loaded:
    import tensorflow as tf
    from tensorflow.core.protobuf import saved_model_pb2

    if not (path / "saved_model.pb").is_file():
        raise FileNotFoundError(f"Could not find SavedModel .pb or .pbtxt at supplied export directory path: {path}")
    proto = saved_model_pb2.SavedModel()
    proto.ParseFromString((path / "saved_model.pb").read_bytes())
    signature_defs = dict(proto.meta_graphs[0].signature_def) if proto.meta_graphs else {}
    signature_defs.pop("__saved_model_init_op", None)
    model = tf.saved_model.load(str(path), tags=["serve"])
    return Loaded(version, path, model, signature_defs)
