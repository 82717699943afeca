"""The end-to-end run: apply the root module with a profile, prove the ALB on port 9000 answers
predictions, measure latency, destroy and check that nothing of the run is left.

    python -m tfsuite.e2e                                  # real AWS: needs RUN_AWS_E2E=1 and E2E_*
    python -m tfsuite.e2e --emulator-endpoint URL          # rehearsal on an emulator (moto)

Steps: credentials -> account guard -> init -> plan -> cost guard -> apply -> outputs
       -> target healthy -> model available -> prediction -> latency        (real AWS only)
       finally: destroy -> janitor sweep of the run -> report (reports/e2e-<mode>.json)
On an emulator no Fargate task runs, so the four real-AWS-only steps are skipped and the report
says why. SIGTERM/SIGINT at any point still destroy, sweep and write the report.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tfsuite.aws.clients import AwsTarget
from tfsuite.aws.credentials import caller_identity
from tfsuite.aws.guards import CostAllowlist, check_account, check_plan_costs, planned_changes
from tfsuite.aws.settings import E2ESettings
from tfsuite.aws.tagging import RunIdentity
from tfsuite.e2e.interrupts import Interrupted, interrupts_raise
from tfsuite.e2e.report import E2EReport, default_report_path
from tfsuite.e2e.workspace import destroy_on_signal, make_workspace
from tfsuite.janitor.deleters import Clients
from tfsuite.janitor.inventory import discover
from tfsuite.janitor.sweep import sweep
from tfsuite.paths import MODEL_DIR
from tfsuite.runner.guard import DESTROY_DEADLINE_SECONDS, GRACEFUL_STOP_SECONDS
from tfsuite.serving.prediction_check import check_article_prediction, client_for, measure_latency

# Default accounts of moto and LocalStack: the account guard's allowlist in a rehearsal.
EMULATOR_ACCOUNT_IDS = ("123456789012", "000000000000")
EMULATOR_SKIP_REASON = ("emulator: no Fargate task runs on an emulator, so there is no healthy target and no "
                        "TF Serving behind the ALB to call; this step runs on real AWS (RUN_AWS_E2E=1)")
# On an emulator every call answers within a second, except the provider's own fixed waiters
# (an ALB about a minute): shorter bounds keep an interrupted rehearsal quick.
EMULATOR_CLEANUP_BOUNDS = {"sweep_retry_seconds": 60.0, "graceful_stop_seconds": 120.0,
                           "destroy_deadline_seconds": 120.0}
REAL_AWS_ONLY_STEPS = ("target healthy", "model available", "prediction", "latency")
# What `terraform destroy` leaves on purpose: the AWS provider deregisters task definitions
# (INACTIVE, free of charge) instead of deleting them. The sweep after destroy deletes them.
DESTROY_RESIDUE = frozenset({"task_definition"})
LOCK_TIMEOUT = "300s"
REPORTED_OUTPUTS = ("predict_url", "alb_dns_name", "model_s3_prefix", "ecs_cluster_name", "ecs_service_name",
                    "target_group_arn")


TARGET_GROUP_OUTPUT = "target_group_arn"


def target_group_from(outputs: dict) -> str:
    """The run's target group, from the Terraform outputs of its own state (no account-wide lookup)."""
    arn = outputs.get(TARGET_GROUP_OUTPUT)
    if not isinstance(arn, str) or ":targetgroup/" not in arn:
        raise RuntimeError(f"the Terraform outputs have no target group ARN in {TARGET_GROUP_OUTPUT!r} "
                           f"(got {arn!r}): the configuration must output it")
    return arn


class E2EFailed(RuntimeError):
    """The run failed; the message names the failing step, the cleanup problems and the report."""


@dataclass(frozen=True)
class E2EPlan:
    """What one run does: where, with which settings, as whom."""

    target: AwsTarget
    settings: E2ESettings
    run: RunIdentity
    emulator: object | None = None  # tfsuite.emulator.Emulator for a rehearsal
    report_path: Path | None = None
    sweep_retry_seconds: float = 900.0
    # After SIGTERM/SIGINT: how long Terraform may take to finish the operations in flight (its
    # graceful stop), and how long the destroy may run before it is stopped and the sweep takes over.
    graceful_stop_seconds: float = GRACEFUL_STOP_SECONDS
    destroy_deadline_seconds: float = DESTROY_DEADLINE_SECONDS

    @property
    def cleanup_bound_seconds(self) -> float:
        """An interrupted run has finished its cleanup (stop, destroy, sweep) within this many
        seconds of the signal; only SIGKILL or a second signal during the stop cut it short."""
        return self.graceful_stop_seconds + self.destroy_deadline_seconds + self.sweep_retry_seconds + 60

    @property
    def mode(self) -> str:
        return "emulator" if self.emulator is not None else "aws"

    def variables(self) -> dict:
        """Inputs on top of the profile's tfvars (name_prefix is added by the workspace)."""
        return {
            **self.settings.extra_variables,  # E2E_TF_VARS_JSON; it may not name the keys below
            "aws_region": self.settings.region,
            "tags": {**profile_tags(self.settings.profile), **self.run.tags()},
            "allowed_cidr_blocks": list(self.settings.allowed_cidrs),
            "model_local_path": str(MODEL_DIR / "empty_model"),
            "force_destroy_bucket": True,  # the bucket is versioned: destroy must remove every version
        }


def profile_tags(profile: Path) -> dict[str, str]:
    """The profile's own `tags`, kept under the run's: a -var-file given later replaces a map whole."""
    from tfsuite.aws.tagging import file_tags

    return file_tags(Path(profile))


class E2ERun:
    """One run: deploy_and_check() does the work, clean_up() always follows (see run_e2e)."""

    def __init__(self, plan: E2EPlan, toolchain, log: Callable[[str], None] = print) -> None:
        self.plan = plan
        self.toolchain = toolchain
        self.report = E2EReport(mode=plan.mode, run_id=plan.run.run_id, region=plan.settings.region,
                                path=plan.report_path or default_report_path(plan.mode), log=log)
        self.report.set("name_prefix", plan.run.name_prefix)
        self.report.set("profile", plan.settings.profile.name)
        self.workspace = None
        self.apply_started = False  # before apply nothing exists in AWS: no destroy or sweep needed
        self.apply_completed = False  # an interrupted apply may leave resources outside the state
        self.orphans_swept = False  # see sweep_orphans()

    def deploy_and_check(self) -> None:
        plan, report, settings = self.plan, self.report, self.plan.settings
        with report.step("credentials"):
            identity = caller_identity(plan.target)
            report.set("caller_arn", identity.arn)
        with report.step("account guard"):
            check_account(identity.account, settings.account_ids)
            report.set("account", identity.account)
        with report.step("workspace"):
            self.workspace = make_workspace(self.toolchain, plan.run.name_prefix, region=settings.region,
                                            emulator=plan.emulator)
        with report.step("init"):
            self.workspace.init()
        with report.step("plan"):
            tf_plan = self.workspace.plan([str(settings.profile)], plan.variables(), refresh=False)
            report.set("planned_resources", len(planned_changes(tf_plan.data)))
        with report.step("cost guard"):
            check_plan_costs(tf_plan.data, CostAllowlist.load(settings.cost_allowlist))
        report.set("cleanup_bound_seconds", plan.cleanup_bound_seconds)
        with destroy_on_signal(self.workspace, plan.graceful_stop_seconds, plan.destroy_deadline_seconds,
                               before_destroy=self.sweep_orphans):
            apply_started, self.apply_started = time.monotonic(), True
            with report.step("apply"):
                # What destroy needs (var files, variables) must be known while apply still runs:
                # the runner's guard destroys from here when a signal interrupts the apply.
                self.workspace.applied = tf_plan.inputs
                self.workspace.apply(tf_plan)
                self.apply_completed = True
            with report.step("outputs"):
                outputs = self.workspace.outputs()
                report.set("outputs", {k: outputs.get(k) for k in REPORTED_OUTPUTS})
            if plan.emulator is not None:
                for name in REAL_AWS_ONLY_STEPS:
                    report.skip(name, EMULATOR_SKIP_REASON)
            else:
                self._serve_and_measure(outputs, apply_started)

    def _serve_and_measure(self, outputs: dict, apply_started: float) -> None:
        report, timeout = self.report, self.plan.settings.serving_timeout_seconds
        with report.step("target healthy"):
            delay = 15
            self.plan.target.client("elbv2").get_waiter("target_in_service").wait(
                TargetGroupArn=target_group_from(outputs),
                WaiterConfig={"Delay": delay, "MaxAttempts": max(1, timeout // delay)})
        client = client_for(outputs["predict_url"])
        with report.step("model available"):
            report.set("model_versions", client.wait_until_available(timeout=timeout, max_interval=10))
        with report.step("prediction"):
            check = check_article_prediction(client)
            report.set("time_to_first_prediction_seconds", round(time.monotonic() - apply_started, 1))
            report.set("prediction", check.to_dict())
        with report.step("latency"):
            report.set("latency", measure_latency(client, self.plan.settings.requests).to_dict())

    def sweep_orphans(self) -> None:
        """Delete what the interrupted apply created but could not record: the run's tagged resources
        that no value of the state names. A creation cut short by the stop can still finish in AWS;
        nothing in the state depends on it, but its parent cannot be destroyed while it is there (a
        VPC with an unknown subnet retries DeleteVpc until the destroy's deadline). Once per run."""
        if self.orphans_swept or self.workspace is None or not self.workspace.dir.exists():
            return
        self.orphans_swept = True
        run = self.plan.run
        with self.report.step("sweep orphans"):
            swept = sweep(self.plan.target, older_than_hours=0, run_id=run.run_id, run_created_at=run.created_at,
                          retry_seconds=self.plan.sweep_retry_seconds, log=self.report.log,
                          spare=self.workspace.state_values())
            self.report.set("orphaned_by_interrupted_apply",
                            [o.found.describe() for o in swept.outcomes if o.status != "spared"])
            if swept.failed:
                raise RuntimeError("; ".join(f"{o.found.describe()}: {o.detail}" for o in swept.failed))

    def clean_up(self) -> list[str]:
        """Destroy, then sweep the run's tags with the janitor. Returns the cleanup's problems."""
        problems = []
        if not self.apply_started:
            for name in ("destroy", "sweep"):
                self.report.skip(name, "nothing to clean up: the run stopped before apply")
            self._remove_workspace()
            return problems
        if not self.workspace.dir.exists():
            self.report.skip("destroy", "already done: on SIGTERM the runner's guard destroyed and removed the "
                                        "working copy")
        elif self.workspace.destroy_error is not None:
            # The guard's destroy after the signal failed: a second one would fail the same way
            # (and wait out the provider's retries again). The sweep deletes what is left.
            problems.append(f"destroy: {self.workspace.destroy_error}")
            self.report.skip("destroy", "already tried by the runner's guard after the signal, and failed: "
                                        "the sweep deletes what is left")
        else:
            if not self.apply_completed:
                try:
                    self.sweep_orphans()
                except Exception as err:  # the destroy may still succeed; the sweep after it retries
                    problems.append(f"sweep orphans: {err}")
            try:
                with self.report.step("destroy"):
                    self.workspace.destroy(label="destroy", lock_timeout=LOCK_TIMEOUT,
                                           deadline_seconds=self.plan.destroy_deadline_seconds)
            except Exception as err:
                problems.append(f"destroy: {err}")
        try:
            with self.report.step("sweep"):
                problems.extend(self._sweep(destroyed=not problems))
        except Exception as err:
            problems.append(f"sweep: {err}")
        finally:
            self._remove_workspace()
        return problems

    def _remove_workspace(self) -> None:
        if self.workspace is not None and os.environ.get("TFSUITE_KEEP_WORKDIR") != "1":
            self.workspace.remove()

    def _sweep(self, destroyed: bool) -> list[str]:
        run, clients = self.plan.run, Clients(self.plan.target)
        left = discover(clients, run_id=run.run_id, run_created_at=run.created_at)
        self.report.set("left_after_destroy", [item.describe() for item in left])
        swept = sweep(self.plan.target, older_than_hours=0, run_id=run.run_id, run_created_at=run.created_at,
                      retry_seconds=self.plan.sweep_retry_seconds, log=self.report.log)
        self.report.set("sweep", [f"{o.status}: {o.found.describe()}" for o in swept.outcomes])
        problems = [f"janitor could not delete {o.found.describe()}: {o.detail}" for o in swept.failed]
        problems += [f"janitor kept {o.found.describe()}: {o.detail}" for o in swept.with_status("kept")]
        still_there = discover(clients, run_id=run.run_id, run_created_at=run.created_at)
        if still_there:
            problems.append("still present after the sweep: " + ", ".join(i.describe() for i in still_there))
        unexpected = [item.describe() for item in left if item.kind not in DESTROY_RESIDUE]
        if destroyed and unexpected:
            problems.append("terraform destroy left (the sweep deleted them): " + ", ".join(unexpected))
        return problems


def run_e2e(plan: E2EPlan, toolchain, log: Callable[[str], None] = print) -> E2EReport:
    """Run every step; destroy and sweep whatever happens. Raises E2EFailed or Interrupted."""
    run = E2ERun(plan, toolchain, log)
    outcome, failure = "failed", None
    with interrupts_raise() as interrupts:
        try:
            run.deploy_and_check()
            outcome = "passed"
        except Interrupted as err:
            outcome = f"interrupted by {err.name}"
            raise
        except Exception as err:
            failure = err
        finally:
            interrupts.cleaning_up = True
            problems = run.clean_up()
            run.report.set("cleanup_problems", problems)
            if problems and outcome == "passed":
                outcome = "failed"
            run.report.finish(outcome)
    if outcome != "passed":
        reasons = [f"{type(failure).__name__}: {failure}"] if failure else []
        raise E2EFailed(f"e2e run {plan.run.run_id} ({plan.mode}) failed: " + "; ".join(reasons + problems)
                        + f"\nreport: {run.report.path}")
    return run.report
