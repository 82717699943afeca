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
