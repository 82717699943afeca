"""The house rules of src/tfsuite: test doubles stay apart from the product, and no module grows
past 300 lines. Both read the source as it is (the AST and the line count of every module)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tfsuite.paths import REPO_ROOT

PACKAGE = REPO_ROOT / "src" / "tfsuite"
TESTING = PACKAGE / "testing"
MAX_LINES = 300


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def product_modules() -> list[Path]:
    return [path for path in modules() if TESTING not in path.parents]


def imported_names(tree: ast.AST) -> list[str]:
    """Every module an import statement or importlib.import_module("...") in the tree names."""
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None))
              == "import_module" and node.args and isinstance(node.args[0], ast.Constant)):
            names.append(str(node.args[0].value))
    return names


def imports_of_doubles(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [name for name in imported_names(tree) if name == "tfsuite.testing" or name.startswith("tfsuite.testing.")]


def test_the_walk_finds_the_product_and_the_doubles():
    found = {path.relative_to(PACKAGE).as_posix() for path in modules()}
    assert {"runner/workspace.py", "e2e/flow.py", "janitor/sweep.py", "testing/stub.py"} <= found
    assert not any(TESTING in path.parents for path in product_modules())


@pytest.mark.parametrize("source", [
    "import tfsuite.testing.stub",
    "from tfsuite.testing import stub",
    "from tfsuite.testing.stub import TFServingStub",
    "def f():\n    from tfsuite.testing.fake_docker import FakeDockerClient",
    "import importlib\nimportlib.import_module('tfsuite.testing.sample_stack')",
])
def test_every_form_of_import_of_the_doubles_is_seen(tmp_path, source):
    module = tmp_path / "m.py"
    module.write_text(source + "\n")
    assert imports_of_doubles(module)


def test_no_product_module_imports_the_test_doubles():
    offenders = {path.relative_to(PACKAGE).as_posix(): found
                 for path in product_modules() if (found := imports_of_doubles(path))}
    assert not offenders, f"product modules import tfsuite.testing (move the user out, or the double in): {offenders}"



def test_no_module_is_over_300_lines():
    lengths = {path.relative_to(REPO_ROOT).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
               for path in modules()}
    too_long = {name: count for name, count in lengths.items() if count > MAX_LINES}
    assert not too_long, f"modules over {MAX_LINES} lines (split them by what they do): {too_long}"
