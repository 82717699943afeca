"""Every example profile plans cleanly, and plans what its inventory says."""

from __future__ import annotations

from pathlib import Path

import pytest

from tfsuite.paths import EXAMPLES_DIR
from tfsuite.runner import load_inventories
from tfsuite.runner.inventory import check_counts, check_values

INVENTORIES = Path(__file__).parent / "inventories"
LIFECYCLE_INVENTORY = INVENTORIES / "lifecycle.yaml"  # applied by test_lifecycle, not plan-only
PROFILES = sorted(EXAMPLES_DIR.glob("*.tfvars"))
PROFILE_INVENTORIES = [i for i in load_inventories(INVENTORIES) if i.path != LIFECYCLE_INVENTORY]


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.stem)
def test_profile_plans_only_creations(plan_workspace, profile):
    plan = plan_workspace.plan([f"examples/{profile.name}"], refresh=False, label=f"plan {profile.stem}")
    actions = {tuple(c["change"]["actions"]) for c in plan.data["resource_changes"]}

    assert plan.resources(), f"{profile.name} plans no resource"
    assert actions == {("create",)}


def test_every_profile_has_an_inventory():
    covered = {tfvars for inventory in PROFILE_INVENTORIES for tfvars in inventory.tfvars}
    missing = [p.name for p in PROFILES if f"examples/{p.name}" not in covered]
    assert not missing, f"no inventory in {INVENTORIES} plans {', '.join(missing)}"


@pytest.mark.parametrize("inventory", PROFILE_INVENTORIES, ids=lambda i: i.name)
def test_profile_plan_has_the_inventory_values(plan_workspace, inventory):
    plan = plan_workspace.plan(inventory.tfvars, inventory.resolved_vars(), refresh=False,
                               label=f"plan {inventory.name}")
    problems = check_values(inventory, plan, plan_workspace.name_prefix)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("inventory", PROFILE_INVENTORIES, ids=lambda i: i.name)
def test_profile_plan_has_the_inventory_counts(plan_workspace, inventory):
    plan = plan_workspace.plan(inventory.tfvars, inventory.resolved_vars(), refresh=False,
                               label=f"plan {inventory.name}")
    problems = check_counts(inventory, plan)
    assert not problems, "\n".join(problems)
