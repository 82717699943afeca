"""Find the checkov CLI. It lives in a virtualenv of its own: its bc-python-hcl2 and our
python-hcl2 share the import name `hcl2` and cannot meet in one environment (FIELD-NOTES §6)."""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
from pathlib import Path

from tfsuite.toolchain import ToolchainMissing, load_toolchain

MISSING = "checkov not installed: run make bootstrap"


class CheckovMissing(RuntimeError):
    """No usable checkov CLI: the message says where it was looked for and what to run."""


def _usable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def find_checkov() -> Path:
    """CHECKOV_BIN first, then the toolchain manifest written by `make bootstrap`."""
    explicit = os.environ.get("CHECKOV_BIN")
    if explicit:
        path = Path(explicit).expanduser()
        if not _usable(path):
            raise CheckovMissing(f"{MISSING} (CHECKOV_BIN={explicit} is not an executable file)")
        return path
    try:
        recorded = load_toolchain(need_cli=False).checkov
    except ToolchainMissing as exc:
        raise CheckovMissing(f"{MISSING} ({exc})") from exc
    if recorded is None or not _usable(recorded):
        raise CheckovMissing(f"{MISSING} (the toolchain manifest names {recorded}, which is not there)")
    return recorded


def checkov_python(checkov: Path) -> Path:
    """The interpreter of checkov's virtualenv (next to the console script)."""
    return checkov.parent / "python"


_PROBE = ("import importlib.metadata as m, json, sys; "
          "print(json.dumps({n: next((d.version for d in m.distributions(name=n)), None) for n in sys.argv[1:]}))")


def checkov_distributions(checkov: Path, names: tuple[str, ...]) -> dict[str, str | None]:
    """Version of each named distribution in checkov's environment (None when absent).

    Read from the virtualenv's site-packages when checkov lives in one (no interpreter start-up),
    otherwise by asking checkov's interpreter."""
    venv = Path(checkov).resolve().parent.parent
    site_packages = [str(p) for p in sorted(venv.glob("lib/python3*/site-packages"))]
    if (venv / "pyvenv.cfg").is_file() and site_packages:
        return {n: next((d.version for d in importlib.metadata.distributions(name=n, path=site_packages)), None)
                for n in names}
    out = subprocess.run([str(checkov_python(checkov)), "-c", _PROBE, *names], capture_output=True, text=True,
                         env=clean_env(), check=True, timeout=60).stdout
    return json.loads(out)


def clean_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for checkov's interpreter: no PYTHONPATH/PYTHONHOME from our tox env, which
    could put the other `hcl2` in front of checkov's; no PyPI update check on start-up."""
    env = {k: v for k, v in (os.environ if base is None else base).items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "LOG_LEVEL")}
    env["CKV_SKIP_PACKAGE_UPDATE_CHECK"] = "true"
    return env
