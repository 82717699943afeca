"""A run's own Terraform working directory: a temporary copy of terraform/ with the emulator
override, its own state and a unique name_prefix, driven through tftest.

    ws = Workspace.create(toolchain, emulator, name_prefix)
    ws.init()
    plan = ws.plan(["examples/article.tfvars"])          # cached: same inputs, same state -> same plan
    ws.apply(plan)
    assert not ws.second_plan_changes()                   # converged
    ws.destroy()
    ws.remove()

Every step is timed (ws.timings) and logged.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import tftest

from tfsuite.aws.tagging import run_tags
from tfsuite.copies import copy_configuration
from tfsuite.emulator.endpoint import ACCESS_KEY, SECRET_KEY, Emulator
from tfsuite.paths import TERRAFORM_DIR
from tfsuite.runner.diagnostics import Diagnostic, TerraformFailed, error_diagnostics, failure_message
from tfsuite.runner.names import NAME_PREFIX_RULE
from tfsuite.runner.override import OVERRIDE_FILE, write_override
from tfsuite.runner.plan import PendingChange, Plan
from tfsuite.runner.stopping import deadline
from tfsuite.toolchain import Toolchain
from tfsuite.toolchain.initlock import exclusive, init_lock_path

log = logging.getLogger(__name__)

@dataclass(frozen=True)
class Inputs:
    """What a plan, apply or destroy is given: var files (relative to the copy), variables, targets."""

    var_files: tuple[str, ...] = ()
    variables: tuple[tuple[str, str], ...] = ()  # (name, JSON-encoded value), sorted
    targets: tuple[str, ...] = ()

    @classmethod
    def of(cls, var_files: Iterable[str] = (), variables: Mapping | None = None,
           targets: Iterable[str] = ()) -> Inputs:
        if isinstance(var_files, str | Path):
            raise TypeError("var_files must be a list of paths, not a single string")
        encoded = tuple(sorted((str(k), json.dumps(v, sort_keys=True)) for k, v in (variables or {}).items()))
        return cls(tuple(str(f) for f in var_files), encoded, tuple(sorted(targets)))

    def key(self) -> str:
        return hashlib.sha256(repr(self).encode()).hexdigest()[:12]


class Workspace:
    """A copy of terraform/ for one run. With an emulator: the override file sends every AWS call
    there, with its fixed credentials. With emulator=None: real AWS, in `region`, with the
    credentials of the environment (tftest starts the CLI with os.environ plus these variables)."""

    def __init__(self, directory: Path, toolchain: Toolchain, emulator: Emulator | None, name_prefix: str,
                 owns_parent: bool = True, *, region: str | None = None) -> None:
        if not NAME_PREFIX_RULE.fullmatch(name_prefix):
            raise ValueError(f"name_prefix {name_prefix!r} breaks the rule of the name_prefix variable "
                             "(3-20 chars: lowercase letters, digits, hyphens; a letter first)")
        if emulator is not None:
            region = region or emulator.region
        elif not region:
            raise ValueError("a workspace without an emulator runs on real AWS and needs a region")
        self.dir = Path(directory)
        self.toolchain = toolchain
        self.emulator = emulator
        self.region: str = region
        self.name_prefix = name_prefix
        self._owns_parent = owns_parent
        self.timings: list[tuple[str, float]] = []
        self._plans: dict[tuple[Inputs, bool, str], Plan] = {}
        self.applied: Inputs | None = None  # what is in the state now (None: nothing applied)
        self.destroy_error: str | None = None  # the last destroy's failure (None: none failed)
        self.tf = tftest.TerraformTest(str(self.dir), binary=str(toolchain.cli), env=self._env())

    @classmethod
    def create(cls, toolchain: Toolchain, emulator: Emulator | None, name_prefix: str,
               source: Path = TERRAFORM_DIR, *, region: str | None = None) -> Workspace:
        """A fresh copy of `source`; with an emulator (moved to `region` if given) its override file."""
        if emulator is not None and region:
            emulator = emulator.with_region(region)
        directory = copy_configuration(source, name_prefix)
        if emulator is not None:
            write_override(directory, emulator)
        return cls(directory, toolchain, emulator, name_prefix, region=region)

    def _env(self) -> dict[str, str]:
        env = self.toolchain.env({})  # also lets init link the provider cache without a lock file
        env["AWS_REGION"] = self.region
        if self.emulator is not None:
            env.update({"AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
                        "AWS_EC2_METADATA_DISABLED": "true"})
        return env

    # steps ---------------------------------------------------------------------------------------
    def init(self) -> str:
        # Inits that share a plugin cache must not overlap: Terraform re-installs into the cache
        # and two at once leave it empty ("still not detected in .../plugin-cache").
        with exclusive(self._init_lock_path()):
            return self._run("init", "init", "-input=false", "-no-color")

    def _init_lock_path(self) -> Path:
        return init_lock_path(self.toolchain)  # the lint layer's init takes the same lock

    def plan(self, var_files: Iterable[str] = (), variables: Mapping | None = None,
             targets: Iterable[str] = (), refresh: bool = True, label: str = "plan") -> Plan:
        """Plan to a file, read it back as JSON; cached while inputs and state are unchanged."""
        inputs = Inputs.of(var_files, variables, targets)
        cache_key = (inputs, refresh, self._state_digest())
        if cache_key in self._plans:
            return self._plans[cache_key]
        plan_file = self.dir / f"plan-{len(self._plans) + 1:02d}.out"  # one file per distinct plan
        args = [*self._input_args(inputs), f"-out={plan_file.name}"]
        if not refresh:
            args.append("-refresh=false")
        self._run(label, "plan", "-input=false", "-no-color", *args)
        plan = self.show(plan_file)
        plan.inputs = inputs
        self._plans[cache_key] = plan
        return plan

    def show(self, plan_file: Path) -> Plan:
        out = self._run("show", "show", "-no-color", "-json", Path(plan_file).name)
        json_path = Path(plan_file).with_suffix(".json")
        json_path.write_text(out)
        return Plan(json.loads(out), json_path, plan_file=Path(plan_file))

    def plan_diagnostics(self, var_files: Iterable[str] = (), variables: Mapping | None = None,
                         label: str = "plan (expect failure)") -> list[Diagnostic]:
        """Plan that is expected to fail: the error diagnostics; [] when the plan succeeded."""
        inputs = Inputs.of(var_files, variables)
        started = time.monotonic()
        try:
            # -lock=false: plans that only validate may run side by side in one copy
            self.tf.execute_command("plan", "-input=false", "-no-color", "-json", "-refresh=false",
                                    "-lock=false", *self._input_args(inputs))
            return []
        except tftest.TerraformTestError as exc:
            return error_diagnostics(str(exc.args[0]))
        finally:
            self._timed(label, started)

    def apply(self, plan: Plan, label: str = "apply") -> str:
        plan_file, inputs = plan.plan_file, plan.inputs
        if plan_file is None or inputs is None or plan_file.parent != self.dir or not plan_file.exists():
            raise ValueError("apply needs a plan made by this workspace's plan() "
                             "(it applies the saved plan file)")
        try:
            return self._run(label, "apply", "-input=false", "-no-color", "-auto-approve", plan_file.name)
        finally:
            self.applied = inputs  # even a failed apply may have created something: destroy it

    def second_plan_changes(self, label: str = "second plan") -> list[PendingChange]:
        """What a fresh, refreshing plan with the inputs of the last apply would change ([] when the
        configuration converged). Terraform's exit code says whether anything changes; the plan is
        read back as JSON only to name the changes."""
        if self.applied is None:
            raise RuntimeError("nothing applied in this workspace yet")
        plan_file = self.dir / "second-plan.out"
        started = time.monotonic()
        try:
            result = self.tf.execute_command("plan", "-input=false", "-no-color", "-detailed-exitcode",
                                             f"-out={plan_file.name}", *self._input_args(self.applied))
        except tftest.TerraformTestError as exc:
            raise TerraformFailed(failure_message("plan", self.dir, str(exc.args[0]))) from None
        finally:
            self._timed(label, started)
        if result.retcode == 0:
            return []
        changes = self.show(plan_file).pending_changes()
        return changes or [PendingChange("(outputs or data sources)", ("update",), ())]

    def destroy(self, label: str = "destroy", lock_timeout: str = "0s",
                deadline_seconds: float | None = None) -> str | None:
        """Destroy what the state holds (no-op when nothing was applied). Idempotent.

        With `deadline_seconds`, a destroy still running then is stopped gracefully and fails
        (TerraformFailed saying so); the failure is also kept in `destroy_error`."""
        if self.applied is None and not self._state_has_resources():
            return None
        inputs = self.applied or Inputs()
        try:
            with deadline(self.toolchain.cli, self.dir, deadline_seconds) as expired:
                out = self._run(label, "destroy", "-input=false", "-no-color", "-auto-approve",
                                "-refresh=false", f"-lock-timeout={lock_timeout}",
                                *self._input_args(Inputs(inputs.var_files, inputs.variables)))
        except TerraformFailed as err:
            note = f"stopped at its deadline of {deadline_seconds:.0f}s: " if expired.is_set() else ""
            self.destroy_error = note + str(err)
            raise TerraformFailed(self.destroy_error) from None
        self.applied, self.destroy_error = None, None
        return out

    def outputs(self) -> dict:
        raw = json.loads(self._run("output", "output", "-no-color", "-json"))
        return {name: item.get("value") for name, item in raw.items()}

    def state_addresses(self) -> list[str]:
        if not self._state_has_resources():
            return []
        return sorted(self._run("state list", "state", "list").split())

    def state_values(self) -> frozenset[str]:
        """Every string the state's resources hold (ids, ARNs, names, references), read from the
        state file without Terraform (no lock: call it when no command runs). Empty without state.

        What an interrupted apply created in AWS but could not record is exactly what is *not*
        among these values: nothing in the state refers to a creation that never completed."""
        state = self.dir / "terraform.tfstate"
        if not state.exists():
            return frozenset()
        values: set[str] = set()
        for resource in json.loads(state.read_text()).get("resources") or []:
            for instance in resource.get("instances") or []:
                _strings_in(instance.get("attributes"), values)
        return frozenset(values)

    def remove(self) -> None:
        """Delete the temporary copy (and its state). Call destroy() first."""
        target = self.dir.parent if self._owns_parent else self.dir
        shutil.rmtree(target, ignore_errors=True)

    # helpers -------------------------------------------------------------------------------------
    def _input_args(self, inputs: Inputs) -> list[str]:
        for var_file in inputs.var_files:
            if not (self.dir / var_file).is_file() and not Path(var_file).is_file():
                raise FileNotFoundError(f"var file {var_file} not found in {self.dir}")
        variables = {"name_prefix": self.name_prefix, **_decoded(inputs.variables)}  # explicit wins
        var_file_paths = [self.dir / f if (self.dir / f).is_file() else Path(f) for f in inputs.var_files]
        variables["tags"] = run_tags(self.name_prefix, var_file_paths, variables.get("tags"))
        vars_file = self.dir / f"tfsuite-{Inputs.of(variables=variables).key()}.tfvars.json"
        vars_file.write_text(json.dumps(variables, indent=2, sort_keys=True) + "\n")
        return [*(f"-var-file={f}" for f in inputs.var_files), f"-var-file={vars_file.name}",
                *(f"-target={t}" for t in inputs.targets)]

    def _state_digest(self) -> str:
        state = self.dir / "terraform.tfstate"
        return hashlib.sha256(state.read_bytes()).hexdigest() if state.exists() else "no-state"

    def _state_has_resources(self) -> bool:
        state = self.dir / "terraform.tfstate"
        if not state.exists():
            return False
        try:
            return bool(json.loads(state.read_text()).get("resources"))
        except ValueError:
            return True  # unreadable state: let destroy find out

    def _run(self, label: str, command: str, *args: str) -> str:
        started = time.monotonic()
        try:
            return self.tf.execute_command(command, *args).out
        except tftest.TerraformTestError as exc:
            raise TerraformFailed(failure_message(command, self.dir, str(exc.args[0]))) from None
        finally:
            self._timed(label, started)

    def _timed(self, label: str, started: float) -> None:
        seconds = time.monotonic() - started
        self.timings.append((label, seconds))
        log.info("[%s] %s took %.1fs", self.name_prefix, label, seconds)


def _strings_in(value, found: set[str]) -> None:
    if isinstance(value, str):
        found.add(value)
    elif isinstance(value, dict):
        for item in value.values():
            _strings_in(item, found)
    elif isinstance(value, list):
        for item in value:
            _strings_in(item, found)


def _decoded(variables: Sequence[tuple[str, str]]) -> dict:
    return {name: json.loads(value) for name, value in variables}


__all__ = ["Diagnostic", "Inputs", "OVERRIDE_FILE", "TerraformFailed", "Workspace", "copy_configuration"]
