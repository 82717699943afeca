"""Root conftest: the layer-summary plugin, shared fixtures, and the `gate` marker on every static
and harness test.

Fixtures live in the harness (src/tfsuite) and in each layer's conftest; tests stay thin.
"""

from pathlib import Path

import pytest

from tfsuite.testing.workers import mark_group

pytest_plugins = ["tfsuite.pytest_plugin", "tfsuite.testing.fixtures", "pytester"]

GATE_DIRS = (Path(__file__).parent / "tests" / "unit", Path(__file__).parent / "tests" / "harness")
INTEGRATION_DIR = Path(__file__).parent / "tests" / "integration"


def pytest_itemcollected(item: pytest.Item) -> None:
    # Under pytest-xdist (`-n`, `--dist loadgroup`: the gate, the emulator and e2e layers) a module's
    # tests stay on one worker, so its module-scoped fixtures (a checkov run, an e2e flow) run once.
    # tests/integration groups its own, by the shared apply a test uses.
    if INTEGRATION_DIR not in Path(str(item.path)).parents:
        mark_group(item, ())


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # The pre-merge gate (`make gate`, tox -e gate) runs the whole static layer and the harness tests.
    for item in items:
        if any(folder in Path(str(item.path)).parents for folder in GATE_DIRS):
            item.add_marker(pytest.mark.gate)
