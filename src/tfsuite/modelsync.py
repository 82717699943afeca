"""The model-sync sidecar's script, rendered and run for real outside ECS.

    script = render_template(SYNC_TEMPLATE, sync_template_values(config, bucket=..., models_dir=...))
    with SyncScript(script, endpoint, aws_cli) as sync:
        sync.wait_for(lambda: (models_dir / "empty_model" / "1").is_dir(), "version 1 in place")

The upload protocol shared by Terraform, the README, the sidecar and the tests: version N of
model M is complete once the object M/N/_COMPLETE exists; uploaders write it last.

render_template() does what Terraform's templatefile() does for the subset the template uses:
`${name}` interpolations of the given values and the `$${` escape; any other `${...}` or a
`%{` directive is refused, so a template the renderer does not understand fails loudly.
"""

from __future__ import annotations

import os
import re
import subprocess
import threading
from collections.abc import Callable, Mapping
from pathlib import Path

from tenacity import RetryError, retry, retry_if_result, stop_after_delay, wait_fixed

from tfsuite.paths import TERRAFORM_DIR

COMPLETE_MARKER = "_COMPLETE"
SYNC_TEMPLATE = TERRAFORM_DIR / "templates" / "model_sync.sh.tftpl"
_TOKEN = re.compile(r"\$\$\{|\$\{([^}]*)\}|%\{")


class TemplateError(ValueError):
    """The template uses something render_template() does not render (or a value is missing)."""


def render_template(path: Path, values: Mapping[str, object]) -> str:
    text = Path(path).read_text()

    def substitute(match: re.Match) -> str:
        token = match.group(0)
        if token == "$${":
            return "${"
        if token == "%{":
            raise TemplateError(f"{path}: template directives (%{{...}}) are not supported here")
        name = match.group(1).strip()
        if name not in values:
            raise TemplateError(f"{path}: ${{{name}}} has no value (given: {', '.join(sorted(values))})")
        return str(values[name])

    return _TOKEN.sub(substitute, text)


def sync_template_values(config, *, bucket: str, models_dir: Path, model_name: str | None = None,
                         interval_seconds: int = 1, retry_seconds: int = 1) -> dict[str, object]:
    """The values tensorflow.tf passes to templatefile(), with the marker read from the
    configuration (config: a tfsuite.static.hcl.Config of terraform/) and paths of this machine."""
    locals_ = config.locals()
    variables = config.variables()
    return {
        "bucket": bucket,
        "model_name": model_name or variables["model_name"].get("default"),
        "models_dir": str(models_dir),
        "marker": locals_["model_complete_marker"],
        "interval_seconds": interval_seconds,
        "retry_seconds": retry_seconds,
    }


class SyncScript:
    """The rendered script under /bin/sh, its AWS CLI pointed at an emulator endpoint; its output
    is collected line by line. Stopped with SIGTERM (as ECS stops it) on exit."""

    def __init__(self, script: str, endpoint: str, aws_cli: Path, region: str = "eu-west-1",
                 access_key: str = "test", secret_key: str = "test") -> None:
        self.script = script
        self.env = {
            "PATH": f"{Path(aws_cli).parent}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
            "HOME": os.environ.get("HOME", "/tmp"),
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_ACCESS_KEY_ID": access_key,
            "AWS_SECRET_ACCESS_KEY": secret_key,
            "AWS_DEFAULT_REGION": region,
            "AWS_EC2_METADATA_DISABLED": "true",
        }
        self.lines: list[str] = []
        self._process: subprocess.Popen | None = None
        self._reader: threading.Thread | None = None

    def start(self) -> SyncScript:
        self._process = subprocess.Popen(["/bin/sh", "-c", self.script], env=self.env, text=True,
                                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        return self

    def _read(self) -> None:
        for line in self._process.stdout:
            self.lines.append(line.rstrip("\n"))

    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, condition: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
        """Wait (polling, bounded) until condition() holds; AssertionError naming `what` otherwise."""
        poll = retry(retry=retry_if_result(lambda ok: not ok), wait=wait_fixed(0.2),
                     stop=stop_after_delay(timeout))(lambda: self.running() and condition())
        try:
            poll()
        except RetryError:
            state = "running" if self.running() else f"exited with {self._process.returncode}"
            raise AssertionError(f"after {timeout:.0f}s, still not: {what} (script {state}); its output:\n"
                                 + self.output()) from None
        if not self.running():
            raise AssertionError(f"the script exited with {self._process.returncode}:\n{self.output()}")

    def wait_for_log(self, text: str, after: int = 0, timeout: float = 60.0) -> int:
        """Wait for a line containing text among the lines from index `after` on; its index."""
        found: list[int] = []

        def logged() -> bool:
            found[:] = [i for i, line in enumerate(self.lines[after:], start=after) if text in line]
            return bool(found)

        self.wait_for(logged, f"a log line with {text!r}", timeout)
        return found[0]

    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def stop(self, timeout: float = 10.0) -> int | None:
        if self._process is None:
            return None
        if self.running():
            self._process.terminate()
            try:
                self._process.wait(timeout)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        if self._reader is not None:
            self._reader.join(timeout)
        return self._process.returncode

    def __enter__(self) -> SyncScript:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
