"""Root conftest: the layer-summary plugin, and the `gate` marker on every static test.

Fixtures live in the harness (src/tfsuite) and in each layer's conftest; tests stay thin.
"""

from pathlib import Path

import pytest

pytest_plugins = ["tfsuite.pytest_plugin", "pytester"]

UNIT_DIR = Path(__file__).parent / "tests" / "unit"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # The pre-merge gate (`make gate`, tox -e gate) runs the whole static layer.
    for item in items:
        if UNIT_DIR in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.gate)
