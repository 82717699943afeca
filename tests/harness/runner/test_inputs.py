"""The runner refuses bad input with a clear message (names, override, workspace, inventories,
validation cases), and its pure parts (targeting, inventories, validation rounds) behave as
documented. No Terraform needed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tfsuite.emulator.endpoint import ACCESS_KEY, SECRET_KEY, Emulator
from tfsuite.paths import REPO_ROOT, TERRAFORM_DIR
from tfsuite.runner.emulator_diffs import split_tolerated
from tfsuite.runner.inventory import Inventory, InventoryError, value_mismatches
from tfsuite.runner.lifecycle import Deployment
from tfsuite.runner.names import NAME_PREFIX_RULE, unique_name_prefix, worker_suffix
from tfsuite.runner.override import OVERRIDE_FILE, write_override
from tfsuite.runner.plan import PendingChange, Plan
from tfsuite.runner.targeting import exclusions, targets
from tfsuite.runner.validations import ValidationCaseError, load_cases, plan_rounds
from tfsuite.runner.workspace import Inputs, Workspace
from tfsuite.toolchain import Toolchain

MOTO = Emulator("moto", "http://127.0.0.1:1")
COMMUNITY = Emulator("localstack", "http://127.0.0.1:1",
                     services=frozenset({"ec2", "s3", "iam", "logs", "sts"}))


# names, override, workspace ---------------------------------------------------------------------

def test_name_prefixes_are_unique_valid_and_carry_the_worker():
    prefixes = {unique_name_prefix("gw12") for _ in range(50)}

    assert len(prefixes) == 50
    assert all(NAME_PREFIX_RULE.fullmatch(p) and p.endswith("w12") for p in prefixes)
    assert worker_suffix("") == ""


def test_name_prefix_lead_must_be_short_lowercase():
    with pytest.raises(ValueError, match="lead must be"):
        unique_name_prefix(lead="Test")


def test_override_is_never_written_into_terraform():
    with pytest.raises(ValueError, match="refusing to write override.tf"):
        write_override(TERRAFORM_DIR, MOTO)


def test_override_needs_an_existing_directory(tmp_path):
    with pytest.raises(FileNotFoundError, match="no Terraform directory"):
        write_override(tmp_path / "missing", MOTO)


@pytest.fixture
def toolchain(tmp_path) -> Toolchain:
    return Toolchain(cli=Path("/bin/true"), cli_kind="terraform", cli_version="0", cli_source="path",
                     cli_config_file=tmp_path / "cli.tfrc", provider_version="0",
                     provider_source="mirror", mirror_dir=None, checkov=None)


def test_workspace_refuses_an_invalid_name_prefix(tmp_path, toolchain):
    with pytest.raises(ValueError, match="breaks the rule of the name_prefix variable"):
        Workspace(tmp_path, toolchain, MOTO, "Bad_Prefix")


def test_a_workspace_on_real_aws_needs_a_region(tmp_path, toolchain):
    with pytest.raises(ValueError, match="real AWS and needs a region"):
        Workspace(tmp_path, toolchain, None, "real-aws")


def test_a_workspace_without_emulator_has_no_override_and_the_environments_credentials(toolchain):
    workspace = Workspace.create(toolchain, None, "real-aws", region="eu-west-2")
    try:
        assert not (workspace.dir / OVERRIDE_FILE).exists()
        assert sorted(p.name for p in workspace.dir.glob("*.tf")) == sorted(p.name for p in TERRAFORM_DIR.glob("*.tf"))
        env = workspace._env()
        assert env["AWS_REGION"] == workspace.region == "eu-west-2"
        assert "AWS_ACCESS_KEY_ID" not in env and "AWS_SECRET_ACCESS_KEY" not in env
    finally:
        workspace.remove()


def test_a_workspace_on_an_emulator_writes_the_override_in_the_region_asked(toolchain):
    workspace = Workspace.create(toolchain, MOTO, "on-moto", region="us-east-1")
    try:
        assert MOTO.endpoint in (workspace.dir / OVERRIDE_FILE).read_text()
        env = workspace._env()
        assert (env["AWS_REGION"], env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]) == \
            ("us-east-1", ACCESS_KEY, SECRET_KEY)
        assert workspace.emulator == MOTO.with_region("us-east-1")
    finally:
        workspace.remove()


def test_the_lifecycle_refuses_a_workspace_without_an_emulator(tmp_path, toolchain):
    workspace = Workspace(tmp_path, toolchain, None, "real-aws", region="eu-west-1")
    with pytest.raises(ValueError, match="on an emulator: this workspace has none"):
        Deployment(workspace, Inventory.load(REPO_ROOT / "tests" / "integration" / "inventories" / "lifecycle.yaml"))


def test_var_files_must_be_a_list():
    with pytest.raises(TypeError, match="list of paths"):
        Inputs.of("examples/article.tfvars")


def test_hold_refuses_a_bad_name_prefix():
    done = subprocess.run([sys.executable, "-m", "tfsuite.runner.hold", "--endpoint", "http://127.0.0.1:1",
                           "--name-prefix", "NO"], capture_output=True, text=True,
                          env={"PYTHONPATH": str(REPO_ROOT / "src"), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 2 and "is not a valid name_prefix" in done.stderr


# inventories -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, message", [
    ("- a list", "expected a mapping"),
    ("tfvars: [x]\nvalue: {}", "unknown key"),
    ("counts: {aws_subnet.public: -1}", "non-negative integer"),
    ("values: {aws_vpc.main: 3}", "must be a mapping of attributes"),
    ("values: [1", "not valid YAML"),
])
def test_malformed_inventories_are_refused(tmp_path, text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(InventoryError, match=message):
        Inventory.load(path)


def test_inventory_values_match_as_a_subset():
    actual = {"port": 8501, "health_check": [{"path": "/v1/models/m/metadata", "matcher": "200"}]}

    assert value_mismatches({"health_check": [{"path": "/v1/models/m/metadata"}]}, actual) == []
    assert value_mismatches({"port": 9000}, actual) == [".port: expected 9000, plan has 8501"]
    too_many = value_mismatches({"health_check": [{}, {}]}, actual)
    assert too_many[0].startswith(".health_check: expected 2 item")
    assert "missing from the plan" in value_mismatches({"name": "x"}, actual)[0]


# targeting ---------------------------------------------------------------------------------------

def _plan(resources: list[tuple[str, list[str]]]) -> Plan:
    """A minimal plan document: (address, references) per root-module resource."""
    return Plan({
        "format_version": "1.2",
        "planned_values": {"root_module": {"resources": [
            {"address": a, "mode": "managed", "type": a.split(".")[0], "name": a.split(".")[1], "values": {}}
            for a, _ in resources]}},
        "configuration": {"root_module": {"resources": [
            {"address": a, "mode": "managed", "expressions": {"x": {"references": refs}}}
            for a, refs in resources]}},
    })


def test_resources_of_missing_services_and_their_dependents_are_left_out():
    plan = _plan([("aws_vpc.main", []), ("aws_lb.tfserving", ["aws_vpc.main.id"]),
                  ("aws_s3_bucket.models", []), ("aws_iam_role_policy.x", ["aws_lb.tfserving.arn", "var.y"])])

    left_out = exclusions(plan, COMMUNITY)

    assert {a: (e.service, e.via) for a, e in left_out.items()} == {
        "aws_lb.tfserving": ("elbv2", None), "aws_iam_role_policy.x": ("elbv2", "aws_lb.tfserving")}
    assert targets(plan, left_out) == ["aws_s3_bucket.models", "aws_vpc.main"]
    assert exclusions(plan, MOTO) == {}


# validation cases --------------------------------------------------------------------------------

@pytest.mark.parametrize("text, message", [
    ("[]", "non-empty list"),
    ("- {variable: x, value: 1}", "needs a non-empty 'message'"),
    ("- {variable: x, message: m}", "give 'variable' with 'value'"),
    ("- {message: m}", "needs 'variable' and 'value'"),
    ("- {variable: x, value: 1, message: m, expect: 2}", "unknown key"),
])
def test_malformed_validation_cases_are_refused(tmp_path, text, message):
    path = tmp_path / "cases.yaml"
    path.write_text(text)
    with pytest.raises(ValidationCaseError, match=message):
        load_cases(path)


def test_validation_cases_share_plans_one_per_variable(tmp_path):
    path = tmp_path / "cases.yaml"
    path.write_text("- {variable: a, value: 1, message: m}\n- {variable: a, value: 2, message: m}\n"
                    "- {variable: b, value: 1, message: m}\n- {vars: {a: 1, b: 2}, message: m}\n"
                    "- {variable: c, value: 1, message: m}\n")
    cases = load_cases(path)

    rounds = plan_rounds(cases, batchable={"a", "b"})

    assert [[c.id for c in r] for r in rounds] == [["a=1", "b=1"], ["a=2"], ["a=1,b=2"], ["c=1"]]


# second-plan differences tolerated on LocalStack ----------------------------------------------------

def test_only_known_localstack_gaps_are_tolerated_and_only_there():
    gap = PendingChange("aws_vpc_security_group_ingress_rule.tasks_from_alb", ("update",),
                        ("description", "referenced_security_group_id"))
    mixed = PendingChange("aws_vpc_security_group_egress_rule.alb_to_tasks", ("update",), ("description", "to_port"))
    replaced = PendingChange("aws_vpc_security_group_ingress_rule.x", ("delete", "create"), ("description",))

    failing, tolerated = split_tolerated([gap, mixed, replaced], "localstack")

    assert failing == [mixed, replaced] and [c for c, _ in tolerated] == [gap]
    assert split_tolerated([gap], "moto") == ([gap], [])
