"""Fixtures of the emulator layer. The work is done by the harness (tfsuite.emulator,
tfsuite.runner); these fixtures only give it a session-long shape.

- `toolchain` (tfsuite.testing.fixtures): the bootstrap's CLI and provider mirror; missing FAILS the tests.
- `default_emulator`: embedded moto, always (LOCALSTACK_ENDPOINT is for the LocalStack layer only).
- `deployment`: one applied deployment per emulator variant ("default", and "localstack" for
  `-m localstack`), destroyed at the end even on failure or SIGTERM/SIGINT.
- `plan_workspace`: an initialised copy for plan-only runs (profiles, validations).
- `@pytest.mark.services("elbv2", ...)`: the test is about those services and skips, naming
  them, when the deployment's emulator does not offer them.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tfsuite.emulator import localstack
from tfsuite.emulator.session import open_emulator, open_localstack
from tfsuite.paths import TERRAFORM_DIR, reports_dir
from tfsuite.runner import Deployment, Inventory, Workspace, unique_name_prefix
from tfsuite.runner.guard import GUARD
from tfsuite.runner.validations import load_cases, plan_rounds, validation_blocks
from tfsuite.testing.workers import mark_group

HERE = Path(__file__).parent
INVENTORIES = HERE / "inventories"
LIFECYCLE_INVENTORY = INVENTORIES / "lifecycle.yaml"
BAD_VALUE_BASE = "examples/article.tfvars"  # the valid values each bad value is planned with
_TIMINGS: list[tuple[str, str, float]] = []
APPLY_NEEDED = pytest.StashKey[set]()  # lifecycle variants whose selected tests need an apply


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "services(*names): the AWS services a test is about; it skips, "
                                       "naming them, where the emulator does not offer them")
    config.stash[APPLY_NEEDED] = set()


# Fixtures that apply (or plan a batch) once for every test that uses them: under pytest-xdist
# (`-n`, `--dist loadgroup`, see tox.ini) their tests run on one worker (tfsuite.testing.workers).
SHARED_APPLIES = ("deployment", "article", "native", "https", "validation_outcomes")


def pytest_itemcollected(item: pytest.Item) -> None:
    mark_group(item, SHARED_APPLIES)


@pytest.hookimpl(trylast=True)  # after -m/-k deselection and pytest's grouping by parameter
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests that need an applied deployment run last within their emulator variant, so the apply
    (started in the background once the plan is ready) overlaps every plan-only test."""
    def variant(item: pytest.Item) -> str:
        return getattr(item, "callspec", None) and item.callspec.params.get("lifecycle_variant") or "default"

    def uses(item: pytest.Item, fixture: str) -> bool:
        return fixture in getattr(item, "fixturenames", ())

    ours = [item for item in items if HERE in Path(str(item.path)).parents]
    config.stash[APPLY_NEEDED] = {variant(item) for item in ours if uses(item, "applied")}
    # per variant: the deployment's plan tests (which start the apply), the rest, then the applied
    # (whatever file they are in), the destroy last
    def destroys(item: pytest.Item) -> bool:
        return getattr(item, "originalname", item.name).startswith("test_destroy")

    ours.sort(key=lambda item: (variant(item) != "default", uses(item, "applied"), destroys(item),
                                not uses(item, "deployment")))
    moved = set(ours)
    items[:] = [item for item in items if item not in moved] + ours


# toolchain and emulators ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def default_emulator():
    with open_emulator() as emulator:
        yield emulator


@pytest.fixture(scope="session")
def localstack_emulator():
    if not localstack.endpoint_from_env() and not localstack.is_installed():
        pytest.skip("LocalStack is not installed in this environment and LOCALSTACK_ENDPOINT is not set: "
                    "run `tox -e localstack`")
    with open_localstack() as emulator:
        yield emulator


@pytest.fixture(scope="session", params=["default", pytest.param("localstack", marks=pytest.mark.localstack)])
def lifecycle_variant(request) -> str:
    """Which emulator: "default" is embedded moto, "localstack" the LocalStack at LOCALSTACK_ENDPOINT
    or one started on the host."""
    return request.param


@pytest.fixture(scope="session")
def lifecycle_emulator(request, lifecycle_variant):
    return request.getfixturevalue("localstack_emulator" if lifecycle_variant == "localstack"
                                   else "default_emulator")


# deployments ---------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def lifecycle_inventory() -> Inventory:
    return Inventory.load(LIFECYCLE_INVENTORY)


@pytest.fixture(scope="session")
def deployment(request, toolchain, lifecycle_variant, lifecycle_emulator, lifecycle_inventory):
    # reports/plan.json is the plan the policy layer scans too
    name = "plan.json" if lifecycle_variant == "default" else f"plan-{lifecycle_variant}.json"
    report = reports_dir() / name
    workspace = Workspace.create(toolchain, lifecycle_emulator, unique_name_prefix())
    deployed = Deployment(workspace, lifecycle_inventory, plan_report=report, guard=GUARD)
    try:
        if lifecycle_variant in request.config.stash[APPLY_NEEDED]:
            deployed.start_apply()  # plans first (in this thread), applies in the background
        yield deployed
    finally:
        try:
            deployed.close()
        finally:
            _TIMINGS.extend((lifecycle_emulator.kind, label, s) for label, s in workspace.timings)


@pytest.fixture(scope="session")
def applied(deployment):
    """The deployment after apply (applied once; a failed apply fails every test that needs it)."""
    deployment.apply()
    return deployment


@pytest.fixture
def outputs(applied) -> dict:
    return applied.outputs


@pytest.fixture(scope="session")
def plan_workspace(toolchain, default_emulator):
    workspace = Workspace.create(toolchain, default_emulator, unique_name_prefix(lead="p"))
    workspace.init()
    yield workspace
    _TIMINGS.extend((f"{default_emulator.kind} plan-only", label, s) for label, s in workspace.timings)
    workspace.remove()


@pytest.fixture(scope="session")
def validation_outcomes(plan_workspace) -> dict:
    """Case -> the error texts of the plan that had its bad values (several cases per plan)."""
    cases = load_cases(HERE / "variable_validations.yaml")
    batchable = {b.variable for b in validation_blocks(TERRAFORM_DIR / "variables.tf")}
    rounds = plan_rounds(cases, batchable)

    def run(number: int, cases_in_plan: list) -> list[str]:
        variables = {k: v for case in cases_in_plan for k, v in case.variables.items()}
        diagnostics = plan_workspace.plan_diagnostics([BAD_VALUE_BASE], variables,
                                                      label=f"plan bad values #{number}")
        return [d.text() for d in diagnostics]

    with ThreadPoolExecutor(max_workers=2) as pool:  # Terraform is CPU-bound: one plan per core
        errors = list(pool.map(run, range(1, len(rounds) + 1), rounds))
    return {case: texts for cases_in_plan, texts in zip(rounds, errors, strict=True) for case in cases_in_plan}


@pytest.fixture(autouse=True)
def _offered_services(request):
    marker = request.node.get_closest_marker("services")
    if marker is None:
        return
    deployed = request.getfixturevalue("deployment")
    missing = deployed.emulator.missing(marker.args)
    if missing:
        left_out = {s: deployed.missing_services.get(s, []) for s in missing}
        detail = "; ".join(f"{s}: {', '.join(a) or 'nothing planned'}" for s, a in left_out.items())
        pytest.skip(f"LocalStack edition does not offer {', '.join(missing)} "
                    f"({deployed.emulator.describe()}); left out of apply: {detail}")


def pytest_terminal_summary(terminalreporter) -> None:
    if not _TIMINGS:
        return
    terminalreporter.section("emulator layer: Terraform steps")
    total = 0.0
    for where, label, seconds in _TIMINGS:
        total += seconds
        terminalreporter.write_line(f"{where:<22} {label:<28} {seconds:6.1f}s")
    terminalreporter.write_line(f"{'':<22} {'sum (steps overlap)':<28} {total:6.1f}s  "
                                f"(at {time.strftime('%H:%M:%S')})")
