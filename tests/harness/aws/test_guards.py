"""The account guard and the cost guard refuse an apply before it happens, and say why."""

import pytest

from tfsuite.aws.guards import (
    AccountGuardRefused,
    CostAllowlist,
    CostGuardRefused,
    check_account,
    check_plan_costs,
    cost_violations,
)

SMALL = CostAllowlist.from_data({
    "max_total_resources": 5,
    "resource_types": {
        "aws_vpc": {"max_count": 1},
        "aws_ecs_service": {"max_count": 1, "attributes": {"desired_count": {"max": 2},
                                                           "launch_type": {"one_of": ["FARGATE"]}}},
        "aws_ecs_task_definition": {"max_count": 1, "attributes": {"cpu": {"max": 1024}}},
        "aws_cloudwatch_log_group": {"max_count": 1, "attributes": {"retention_in_days": {"min": 1}}},
    },
    "forbidden": {"aws_nat_gateway": "billed per hour"},
})


def test_the_account_guard_lets_a_listed_account_apply():
    check_account("111122223333", ["444455556666", "111122223333"])


def test_the_account_guard_refuses_an_unlisted_account_and_names_both():
    with pytest.raises(AccountGuardRefused, match="account 999999999999, which is not in E2E_AWS_ACCOUNT_IDS "
                                                  r"\(111122223333\)"):
        check_account("999999999999", ["111122223333"])


def test_the_account_guard_refuses_when_no_account_is_listed():
    with pytest.raises(AccountGuardRefused, match="no allowed account ids"):
        check_account("111122223333", [])


def test_a_plan_within_the_limits_passes(plan_document):
    plan = plan_document(("aws_vpc", {}), ("aws_ecs_service", {"desired_count": 2, "launch_type": "FARGATE"}),
                         ("aws_ecs_task_definition", {"cpu": "1024"}))
    check_plan_costs(plan, SMALL)


@pytest.mark.parametrize(("resources", "reason"), [
    ([("aws_nat_gateway", {})], "aws_nat_gateway is forbidden: billed per hour"),
    ([("aws_instance", {})], "aws_instance is not in the cost allowlist"),
    ([("aws_vpc", {}), ("aws_vpc", {})], "2 x aws_vpc, more than max_count=1"),
    ([("aws_ecs_service", {"desired_count": 3, "launch_type": "FARGATE"})], "desired_count = 3, limit max 2"),
    ([("aws_ecs_service", {"desired_count": 1, "launch_type": "EC2"})], "launch_type = 'EC2', not one of"),
    ([("aws_ecs_task_definition", {"cpu": "4096"})], "cpu = '4096', limit max 1024"),
    ([("aws_ecs_task_definition", {"cpu": "lots"})], "cpu = 'lots' is not a number"),
    ([("aws_ecs_task_definition", {}, "create", {"cpu": True})], "cpu is unknown until apply"),
    ([("aws_ecs_task_definition", {})], "cpu is not set"),
    ([("aws_cloudwatch_log_group", {"retention_in_days": 0})], "retention_in_days = 0, limit min 1"),
    ([("aws_vpc", {})] + [("aws_ecs_task_definition", {"cpu": 256}, "update")] * 5,
     "creates or changes 6 resources, more than max_total_resources=5"),
])
def test_the_cost_guard_refuses_with_the_reason(plan_document, resources, reason):
    with pytest.raises(CostGuardRefused) as refused:
        check_plan_costs(plan_document(*resources), SMALL)
    assert any(reason in violation for violation in refused.value.violations), refused.value.violations


def test_deletions_no_ops_and_data_sources_cost_nothing_new(plan_document):
    plan = plan_document(("aws_nat_gateway", {}, "delete"), ("aws_instance", {}, "no-op"), ("aws_vpc", {}))
    plan["resource_changes"].append({"address": "data.aws_eip.x", "mode": "data", "type": "aws_eip",
                                     "change": {"actions": ["read"], "after": {}}})
    assert cost_violations(plan, SMALL) == []


def test_something_that_is_not_a_plan_is_refused():
    with pytest.raises(ValueError, match="not a plan JSON document"):
        cost_violations({"values": {}}, SMALL)


def test_the_shipped_allowlist_forbids_nat_gateways_and_limits_the_service():
    allowlist = CostAllowlist.load()
    assert "aws_nat_gateway" in allowlist.forbidden
    assert allowlist.resource_types["aws_ecs_service"]["attributes"]["desired_count"]["max"] >= 1


@pytest.mark.parametrize(("data", "message"), [
    ([], "expected a mapping"),
    ({"resource_types": {}}, "max_total_resources must be a positive integer"),
    ({"max_total_resources": 5, "resource_types": {"aws_vpc": {}}}, "aws_vpc.max_count must be"),
    ({"max_total_resources": 5,
      "resource_types": {"aws_vpc": {"max_count": 1, "attributes": {"cidr": {"below": 1}}}}},
     "attributes.cidr must use only"),
    ({"max_total_resources": 5, "resource_types": {"aws_eip": {"max_count": 1}},
      "forbidden": {"aws_eip": "x"}},
     "listed both as allowed and forbidden"),
])
def test_a_malformed_allowlist_is_rejected_with_the_place(data, message):
    with pytest.raises(ValueError, match=message):
        CostAllowlist.from_data(data)


def test_an_unreadable_allowlist_file_is_named(tmp_path):
    broken = tmp_path / "allowlist.yaml"
    broken.write_text("resource_types: [unclosed")
    with pytest.raises(ValueError, match="cannot read the cost allowlist"):
        CostAllowlist.load(broken)
