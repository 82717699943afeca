"""The whole lifecycle of one deployment on an emulator, step by step:

    init -> plan (JSON kept) -> [leave out what the emulator cannot hold] -> apply
         -> second plan must be empty -> destroy -> nothing of ours left

Each step is a method so tests can check between steps; the steps run once and remember
their result (one apply per session). start_apply() runs the apply in the background.
"""

from __future__ import annotations

import os
import shutil
from concurrent.futures import Future, ThreadPoolExecutor, wait
from functools import cached_property
from pathlib import Path

from tfsuite.emulator.endpoint import Emulator
from tfsuite.emulator.leftovers import leftovers
from tfsuite.runner.emulator_diffs import split_tolerated
from tfsuite.runner.guard import GUARD, DestroyGuard
from tfsuite.runner.inventory import Inventory
from tfsuite.runner.plan import PendingChange, Plan
from tfsuite.runner.targeting import Exclusion, exclusions, missing_services, targets
from tfsuite.runner.workspace import Workspace


class Deployment:
    def __init__(self, workspace: Workspace, inventory: Inventory, plan_report: Path | None = None,
                 guard: DestroyGuard = GUARD) -> None:
        if workspace.emulator is None:
            raise ValueError("a Deployment runs the lifecycle on an emulator: this workspace has none (real AWS)")
        self.workspace = workspace
        self._workspace_emulator: Emulator = workspace.emulator
        self.inventory = inventory
        self.plan_report = plan_report
        self.guard = guard
        self.destroyed = False
        self._initialised = False
        self._apply_started: Future | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._second_plan: list[PendingChange] | None = None

    @cached_property
    def emulator(self) -> Emulator:
        """The workspace's emulator, in the region the plan deploys to (for boto3 checks)."""
        region = self.plan.variables().get("aws_region", self._workspace_emulator.region)
        return self._workspace_emulator.with_region(region)

    @property
    def name_prefix(self) -> str:
        return self.workspace.name_prefix

    def init(self) -> None:
        if not self._initialised:
            self.workspace.init()
            self._initialised = True

    @cached_property
    def plan(self) -> Plan:
        """The full plan of the inventory's profile (nothing to refresh: the state is empty)."""
        self.init()
        plan = self.workspace.plan(self.inventory.tfvars, self.inventory.resolved_vars(), refresh=False)
        if self.plan_report is not None:
            _publish(plan.path, self.plan_report)
        return plan

    @cached_property
    def exclusions(self) -> dict[str, Exclusion]:
        """Resources left out of apply because the emulator lacks their service (or a dependency's)."""
        return exclusions(self.plan, self._workspace_emulator)

    @property
    def missing_services(self) -> dict[str, list[str]]:
        return missing_services(self.exclusions)

    @cached_property
    def apply_plan(self) -> Plan:
        """What is applied: the full plan, or a plan targeting every resource not left out."""
        if not self.exclusions:
            return self.plan
        return self.workspace.plan(self.inventory.tfvars, self.inventory.resolved_vars(),
                                   targets=targets(self.plan, self.exclusions), refresh=False,
                                   label="plan (targeted)")

    def start_apply(self) -> None:
        """Begin the apply in a background thread and return at once; apply() waits for it.

        Most of an apply on an emulator is the provider's waiters (the load balancer alone takes
        about a minute), so plan-only work can run meanwhile."""
        if self._apply_started is None and not self.destroyed:
            plan = self.apply_plan  # initialised and planned here, in the calling thread
            self.guard.protect(self.workspace)  # signal handlers can only be set from the main thread
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"apply-{self.name_prefix}")
            self._apply_started = self._executor.submit(self.workspace.apply, plan)

    def apply(self) -> None:
        """Apply once (or wait for the apply start_apply() began); a failed apply fails every call."""
        if self.destroyed:
            raise RuntimeError(f"deployment {self.name_prefix} was destroyed; its checks ran out of order")
        self.start_apply()
        try:
            self._apply_started.result()
        except Exception as exc:
            raise RuntimeError(f"apply of {self.name_prefix} failed:\n{exc}") from None

    @cached_property
    def outputs(self) -> dict:
        self.apply()
        return self.workspace.outputs()

    def second_plan_changes(self) -> list[PendingChange]:
        """Everything a fresh plan after apply would change."""
        self.apply()
        if self._second_plan is None:
            self._second_plan = self.workspace.second_plan_changes()
        return self._second_plan

    def convergence(self) -> tuple[list[PendingChange], list[tuple[PendingChange, str]]]:
        """(changes that mean the configuration does not converge, known emulator gaps tolerated)."""
        return split_tolerated(self.second_plan_changes(), self.emulator.kind)

    def destroy(self) -> None:
        if not self.destroyed:
            if self._apply_started is not None:
                wait([self._apply_started])  # whatever it created must be in the state first
            self.workspace.destroy()
            self.destroyed = True
        self.guard.release(self.workspace)

    def leftovers(self) -> dict[str, list[str]]:
        return leftovers(self.emulator, self.name_prefix)

    def close(self) -> None:
        """Destroy (if needed) and delete the temporary copy; keeps it when TFSUITE_KEEP_WORKDIR=1."""
        try:
            self.destroy()
        finally:
            if self._executor is not None:
                self._executor.shutdown(wait=True)
            if os.environ.get("TFSUITE_KEEP_WORKDIR") != "1":
                self.workspace.remove()


def _publish(source: Path, target: Path) -> None:
    """Copy atomically, so parallel workers never leave a half-written report."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}")
    shutil.copyfile(source, partial)
    os.replace(partial, target)
