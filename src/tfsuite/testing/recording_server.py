"""A stand-in `tensorflow_model_server` executable that records how it was started: its process
id (to prove a shell exec'd it rather than forking it), its arguments, and the monitoring config
file it was pointed at. It serves nothing; it lets a test run a container's real start command
under /bin/sh and see what TF Serving would have been given.

    bin_dir = install(tmp_path)               # put bin_dir first on PATH
    ... run the command ...
    started = read(tmp_path)                  # Started(pid, args, monitoring_config)
"""

from __future__ import annotations

import json
import shlex
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

NAME = "tensorflow_model_server"


@dataclass(frozen=True)
class Started:
    pid: int
    args: list[str]
    monitoring_config: str | None

    def flag(self, name: str) -> str | None:
        """The value of --name=value, None when absent."""
        prefix = f"--{name}="
        return next((a[len(prefix):] for a in self.args if a.startswith(prefix)), None)


def install(folder: Path) -> Path:
    """Write the executable into folder/bin and return that folder (to put first on PATH)."""
    bin_dir = Path(folder) / "bin"
    bin_dir.mkdir(parents=True, exist_ok=True)
    record = shlex.quote(str(Path(folder) / "started.json"))
    script = bin_dir / NAME
    script.write_text(f"""#!/bin/sh
# recording stand-in for {NAME} (tfsuite.testing.recording_server)
config=""
for arg in "$@"; do
  case "$arg" in --monitoring_config_file=*) config="${{arg#--monitoring_config_file=}}";; esac
done
{shlex.quote(sys.executable)} - "$$" "$config" "$@" >{record} <<'PY'
import json, sys
pid, config, *args = sys.argv[1:]
text = open(config).read() if config else None
print(json.dumps({{"pid": int(pid), "args": args, "monitoring_config": text}}))
PY
""")
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return bin_dir


def read(folder: Path) -> Started:
    data = json.loads((Path(folder) / "started.json").read_text())
    return Started(data["pid"], data["args"], data["monitoring_config"])
