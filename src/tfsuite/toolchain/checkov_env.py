"""checkov in a virtualenv of its own: its bc-python-hcl2 and python-hcl2 share the import name
`hcl2` and must never meet in one environment (FIELD-NOTES §6)."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

from tfsuite.paths import REPO_ROOT
from tfsuite.toolchain import pins
from tfsuite.toolchain.progress import StepFailed, run_logged, say

CONSTRAINTS = REPO_ROOT / "constraints-checkov.txt"


def _fingerprint() -> str:
    text = CONSTRAINTS.read_text() if CONSTRAINTS.exists() else ""
    return hashlib.sha256(f"{pins.CHECKOV_VERSION}\n{text}".encode()).hexdigest()[:16]


def ensure(cache: Path) -> Path:
    """Return the checkov CLI; (re)install it when the pins changed or an earlier install broke off.

    The stamp is written last, so an interrupted install is never trusted.
    """
    venv = cache / "venvs" / f"checkov-{pins.CHECKOV_VERSION}"
    checkov = venv / "bin" / "checkov"
    stamp = venv / ".tfsuite-stamp"
    if checkov.exists() and stamp.exists() and stamp.read_text() == _fingerprint():
        return checkov
    log = cache / "logs" / f"checkov-{pins.CHECKOV_VERSION}.log"
    say(f"installing checkov {pins.CHECKOV_VERSION} into its own virtualenv {venv} (log: {log})")
    shutil.rmtree(venv, ignore_errors=True)
    venv.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    args = [str(venv / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check", "-q",
            f"checkov=={pins.CHECKOV_VERSION}"]
    if CONSTRAINTS.exists():
        args += ["-c", str(CONSTRAINTS)]
    try:
        run_logged(args, log=log, label="checkov install")
    except StepFailed as exc:
        raise StepFailed(f"could not install checkov {pins.CHECKOV_VERSION} from PyPI: {exc}\n"
                         "What to do: check access to PyPI (or PIP_INDEX_URL), then rerun make bootstrap.") from exc
    stamp.write_text(_fingerprint())
    return checkov
