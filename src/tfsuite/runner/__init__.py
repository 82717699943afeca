"""The Terraform runner: temporary copies with an emulator override, driven through tftest.

workspace  a run's own copy of terraform/ (override file, state, name_prefix) and its commands
plan       the plan JSON and the views tests need (values, counts, pending changes)
inventory  YAML plan expectations and their subset matching
targeting  what to leave out of apply on an emulator that lacks a service
lifecycle  init -> plan -> apply -> second plan -> destroy -> leftovers, once per deployment
guard      destroy on SIGTERM/SIGINT
names      unique name prefixes per run and xdist worker
"""

from tfsuite.runner.inventory import Inventory, InventoryError, load_inventories
from tfsuite.runner.lifecycle import Deployment
from tfsuite.runner.names import unique_name_prefix
from tfsuite.runner.plan import Plan
from tfsuite.runner.workspace import Diagnostic, TerraformFailed, Workspace

__all__ = ["Deployment", "Diagnostic", "Inventory", "InventoryError", "Plan", "TerraformFailed",
           "Workspace", "load_inventories", "unique_name_prefix"]
