"""Every layer is wired the same way everywhere: a tox env, a make target that `make test` runs,
a name tfsuite.layers knows, and a place in the CI's list of layers that must really run."""

from __future__ import annotations

import configparser
import re

from tfsuite import layers
from tfsuite.paths import REPO_ROOT


def tox_envs() -> list[str]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(REPO_ROOT / "tox.ini")
    return [name.strip() for name in parser["tox"]["env_list"].split(",")]


def make_layers() -> list[str]:
    match = re.search(r"^LAYERS := (.+)$", (REPO_ROOT / "Makefile").read_text(), re.M)
    assert match, "Makefile has no LAYERS := line"
    return match.group(1).split()


def ci_required() -> list[str]:
    match = re.search(r"TFSUITE_CI_REQUIRE:-([a-z0-9,]+)", (REPO_ROOT / ".ci" / "run").read_text())
    assert match, ".ci/run names no default REQUIRE list"
    return match.group(1).split(",")


def test_make_test_runs_every_tox_layer_in_the_same_order():
    assert make_layers() == tox_envs()


def test_the_layer_runner_knows_every_layer_and_the_gate():
    assert set(layers.KNOWN_LAYERS) == set(tox_envs()) | {"gate"}


def test_ci_requires_every_layer():
    assert ci_required() == make_layers()


IMPORT_TO_DIST = {"yaml": "pyyaml"}


def _emulator_imports() -> set[str]:
    """Third-party modules the emulator's moto modules import (the server, its compatibility patches)."""
    import ast
    import sys

    found = set()
    for path in (REPO_ROOT / "src" / "tfsuite" / "emulator").glob("moto_*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module] if isinstance(node, ast.ImportFrom) and node.module and not node.level else [])
            found |= {n.split(".")[0] for n in names}
    return {n for n in found if n not in sys.stdlib_module_names and n not in ("tfsuite", "__future__")}


def _moto_dependencies() -> set[str]:
    from importlib.metadata import requires

    return {re.split(r"[ ;<>=!\[]", r, maxsplit=1)[0].lower().replace("-", "_") for r in requires("moto") or []}


def test_every_env_that_installs_moto_installs_what_the_emulator_imports():
    """An env with moto runs tfsuite.emulator, whose patches import more than moto brings (cbor2 for
    CloudWatch's CBOR protocol): the rehearsal env lacked it and 47 tests failed at import."""
    wanted = {IMPORT_TO_DIST.get(n, n).lower().replace("-", "_") for n in _emulator_imports()}
    missing = {}
    for req in sorted((REPO_ROOT / "requirements").glob("*.txt")):
        names = {re.split(r"[ ;<>=!\[]", line.strip(), maxsplit=1)[0].lower().replace("-", "_")
                 for line in req.read_text().splitlines() if line.strip() and not line.startswith(("#", "-"))}
        if "moto" in names:
            lacking = wanted - names - _moto_dependencies() - {"moto"}
            if lacking:
                missing[req.name] = sorted(lacking)
    assert missing == {}
