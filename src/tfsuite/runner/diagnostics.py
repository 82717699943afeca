"""What a failed Terraform command said: the error diagnostics of `-json` output, and a short
excerpt of the output for TerraformFailed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path


class TerraformFailed(RuntimeError):
    """A Terraform command failed; the message carries the command and its error output."""


@dataclass(frozen=True)
class Diagnostic:
    severity: str
    summary: str
    detail: str

    def text(self) -> str:
        return " ".join(f"{self.summary} {self.detail}".split())


def error_diagnostics(output: str) -> list[Diagnostic]:
    found = []
    for line in output.splitlines():
        start = line.find("{")
        if start < 0:
            continue
        try:
            message = json.loads(line[start:])
        except ValueError:
            continue
        diagnostic = message.get("diagnostic") if isinstance(message, dict) else None
        if diagnostic and diagnostic.get("severity") == "error":
            found.append(Diagnostic("error", diagnostic.get("summary", ""), diagnostic.get("detail", "")))
    return found


def failure_message(command: str, directory: Path, output: str) -> str:
    lines = [ln for ln in output.splitlines() if ln.strip()]
    errors = [i for i, ln in enumerate(lines) if "Error:" in ln]
    excerpt = lines[errors[0]:errors[0] + 40] if errors else lines[-40:]
    return f"terraform {command} failed in {directory}:\n" + "\n".join(excerpt)
