"""Rebuild README.md from docs/readme/*.md (in file-name order, with a table of contents).

    python docs/build_readme.py          # write README.md
    python docs/build_readme.py --check  # exit 1 when README.md is out of date (the lint layer runs this)
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PARTS = ROOT / "docs" / "readme"
ORDER = ["00-intro", "deployment", "toolchain", "static", "emulator", "upgrade", "serving", "rehearsal", "e2e",
         "99-reference"]


def anchor(title: str) -> str:
    slug = re.sub(r"[^\w\- ]", "", title.lower()).strip()
    return "#" + slug.replace(" ", "-")


def build() -> str:
    names = [p.stem for p in sorted(PARTS.glob("*.md"))]
    unknown = sorted(set(names) - set(ORDER))
    if unknown:
        raise SystemExit(f"docs/readme has parts not placed in ORDER: {', '.join(unknown)}")
    texts = [(PARTS / f"{name}.md").read_text().strip() + "\n" for name in ORDER if name in names]
    intro, rest = texts[0], texts[1:]
    in_code, toc = False, []
    for text in texts:
        for line in text.splitlines():
            if line.startswith("```"):
                in_code = not in_code
            elif not in_code and line.startswith("## "):
                toc.append(f"- [{line[3:]}]({anchor(line[3:])})")
    header = "<!-- Generated from docs/readme/*.md by docs/build_readme.py: edit those, then rebuild. -->\n"
    return header + intro + "\n## Contents\n\n" + "\n".join(toc) + "\n\n" + "\n".join(rest)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    text, readme = build(), ROOT / "README.md"
    if args.check:
        if not readme.exists() or readme.read_text() != text:
            print("README.md is out of date: run python docs/build_readme.py", file=sys.stderr)
            return 1
        return 0
    readme.write_text(text)
    print(f"wrote {readme} ({len(text.splitlines())} lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
