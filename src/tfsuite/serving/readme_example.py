"""The README's Python request, taken from the Markdown so the text users copy is what runs."""

from __future__ import annotations

import re
from pathlib import Path

_PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)
PLACEHOLDER_HOST = "<alb_dns>"
ALB_PORT = 9000


def predict_snippet(markdown: Path) -> str:
    """The first ```python block that posts to a :predict URL."""
    text = Path(markdown).read_text()
    for block in _PYTHON_BLOCK.findall(text):
        if ":predict" in block and "requests.post(" in block:
            return block
    raise ValueError(f"{markdown} has no ```python block that posts to a :predict URL")


def point_at(snippet: str, host: str, port: int) -> str:
    """The snippet with the ALB placeholder and port 9000 replaced by `host` and `port`."""
    if PLACEHOLDER_HOST not in snippet or f":{ALB_PORT}/" not in snippet:
        raise ValueError(f"the snippet does not contain {PLACEHOLDER_HOST!r} and ':{ALB_PORT}/' to replace")
    return snippet.replace(PLACEHOLDER_HOST, host).replace(f":{ALB_PORT}/", f":{port}/")
