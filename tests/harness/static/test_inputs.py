"""Bad input to the static harness gets a clear error, never a stack trace from deep inside."""

import pytest

from tfsuite.static import HclParseError, check_promises, load_config
from tfsuite.static.versions import allows
from tfsuite.testing.broken_cases import CaseError, load_case


def test_load_config_refuses_a_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="no Terraform folder"):
        load_config(tmp_path / "nope")


def test_load_config_refuses_a_folder_without_tf_files(tmp_path):
    with pytest.raises(HclParseError, match="no .tf file"):
        load_config(tmp_path)


def test_load_config_names_the_file_it_cannot_parse(tmp_path):
    (tmp_path / "broken.tf").write_text('resource "a" "b" {\n  x = = 1\n}\n')
    with pytest.raises(HclParseError, match="broken.tf"):
        load_config(tmp_path)


def test_a_promise_about_a_missing_resource_says_it_is_missing(tmp_path):
    (tmp_path / "main.tf").write_text('resource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n}\n')
    findings = check_promises(load_config(tmp_path), only=["listener-port", "target-group"])
    assert [(f.rule, f.address, f.message) for f in findings] == [
        ("listener-port", "aws_lb_listener.tfserving", "is missing"),
        ("target-group", "aws_lb_target_group.tfserving", "is missing")]


def test_check_promises_refuses_unknown_promise_ids(real_config):
    with pytest.raises(KeyError, match="unknown promise"):
        check_promises(real_config, only=["no-such-promise"])


@pytest.mark.parametrize("expect, message", [
    ("description: x\n", "changes nothing"),
    ("description: x\nedits: [{file: main.tf, find: a, replace: b}]\n", "expects nothing"),
    ("edits: [{file: main.tf, find: a, replace: b}]\nrule: listener-port\n", "needs a description"),
    ("description: x\nedits: [{file: main.tf, find: a, replace: b}]\nrule: no-such\n", "unknown promise"),
    ("description: x\nedits: [{file: main.tf, find: '(', replace: b}]\nrule: listener-port\n", "not a regex"),
    ("description: x\nwhat: 1\n", "unknown key"),
])
def test_malformed_broken_cases_are_refused(tmp_path, expect, message):
    (tmp_path / "expect.yaml").write_text(expect)
    with pytest.raises(CaseError, match=message):
        load_case(tmp_path)


def test_a_case_that_no_longer_matches_terraform_fails_loudly(tmp_path):
    case_dir = tmp_path / "case"
    case_dir.mkdir()
    (case_dir / "expect.yaml").write_text(
        "description: x\nedits: [{file: main.tf, find: 'port = 1', replace: 'port = 2'}]\nrule: listener-port\n")
    base = tmp_path / "base"
    base.mkdir()
    (base / "main.tf").write_text("port = 3\n")
    with pytest.raises(CaseError, match="matches 0 time"):
        load_case(case_dir).build(base, tmp_path / "copy")


@pytest.mark.parametrize("constraint, version, expected", [
    ("~> 6.47.0", "6.47.1", True), ("~> 6.47.0", "6.48.0", False), ("~> 6.47", "6.99.0", True),
    (">= 1.6.0, < 2.0.0", "1.11.4", True), (">= 1.6.0, < 2.0.0", "2.0.0", False), ("1.2.3", "1.2.3", True),
])
def test_version_constraints(constraint, version, expected):
    assert allows(constraint, version) is expected


def test_unreadable_version_constraint_is_refused():
    with pytest.raises(ValueError, match="cannot read version constraint"):
        allows(">= banana", "1.0.0")
