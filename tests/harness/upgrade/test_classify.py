"""Classification of plan changes (the `terraform show -json` resource_changes format)."""

from __future__ import annotations

import pytest

from tfsuite.upgrade.classify import classify, counts_line, render_path


def plan(*changes: dict) -> dict:
    return {"format_version": "1.2", "resource_changes": list(changes)}


def change(address, actions, before=None, after=None, unknown=None, replace_paths=None, **extra) -> dict:
    """One resource_changes item; replace_paths sits in `change`, action_reason beside it."""
    body = {"actions": actions, "before": before, "after": after, "after_unknown": unknown or {}}
    if replace_paths is not None:
        body["replace_paths"] = replace_paths
    return {"address": address, "mode": "managed", "type": address.split(".")[0], "change": body, **extra}


def test_each_action_gets_its_kind():
    changes = classify(plan(
        change("aws_vpc.main", ["create"], after={"cidr_block": "10.0.0.0/16"}),
        change("aws_iam_role.task", ["update"], before={"name": "a", "tags": {}},
               after={"name": "a", "tags": {"x": "y"}}),
        change("aws_lb.tfserving", ["delete", "create"], {"name": "a"}, {"name": "b"}, replace_paths=[["name"]]),
        change("aws_eip.nat", ["create", "delete"], {"domain": "vpc"}, {"domain": "vpc"}, replace_paths=[["domain"]]),
        change("aws_s3_bucket.old", ["delete"], {"bucket": "b"}, None,
               action_reason="delete_because_no_resource_config"),
        change("aws_subnet.public[0]", ["no-op"], {}, {}),
    ))
    assert [(c.address, c.kind) for c in changes] == [
        ("aws_vpc.main", "create"), ("aws_iam_role.task", "update"), ("aws_lb.tfserving", "replace"),
        ("aws_eip.nat", "replace"), ("aws_s3_bucket.old", "delete")]
    assert changes[1].attributes == ("tags",) and changes[1].cause == "changes tags"


def test_a_replacement_names_the_forcing_attribute_and_its_values():
    [replaced] = classify(plan(change(
        "aws_cloudwatch_log_group.tfserving", ["delete", "create"],
        {"name": "/ecs/p/tfserving", "rule": [{"filter": "a"}]}, {"name": "/ecs/p/serving", "rule": [{"filter": None}]},
        {"rule": [{"filter": True}]}, replace_paths=[["name"], ["rule", 0, "filter"]],
        action_reason="replace_because_cannot_update")))
    assert replaced.replace_paths == ("name", "rule[0].filter")
    assert "name '/ecs/p/tfserving' -> '/ecs/p/serving'" in replaced.cause
    assert "rule[0].filter 'a' -> (known after apply)" in replaced.cause
    assert replaced.destructive


def test_a_requested_replacement_says_so_when_no_attribute_forces_it():
    [replaced] = classify(plan(change("aws_instance.x", ["delete", "create"], {}, {},
                                      action_reason="replace_because_tainted")))
    assert replaced.cause == "the resource is tainted"


def test_a_delete_of_a_resource_gone_from_the_configuration_points_at_moved():
    [deleted] = classify(plan(change("aws_s3_bucket.models", ["delete"], {"bucket": "b"}, None,
                                     action_reason="delete_because_no_resource_config")))
    assert deleted.kind == "delete" and "moved" in deleted.cause


def test_a_move_is_kept_and_a_move_with_an_update_is_both():
    changes = classify(plan(
        change("aws_s3_bucket.model_store", ["no-op"], {"b": 1}, {"b": 1}, previous_address="aws_s3_bucket.models"),
        change("aws_iam_role.new", ["update"], {"t": 1}, {"t": 2}, previous_address="aws_iam_role.old"),
    ))
    assert [(c.kind, c.moved_from) for c in changes] == [("move", "aws_s3_bucket.models"),
                                                         ("update", "aws_iam_role.old")]
    assert not any(c.destructive for c in changes)
    assert counts_line(changes) == "+0 ~1 -0 ±0 >2"


def test_data_sources_and_reads_are_left_out():
    data = change("data.aws_region.current", ["read"], None, {})
    data["mode"] = "data"
    assert classify(plan(data, change("aws_vpc.main", ["read"], None, {}))) == []


def test_an_unknown_action_is_refused_rather_than_passed():
    with pytest.raises(ValueError, match="unknown plan actions"):
        classify(plan(change("aws_vpc.main", ["explode"], {}, {})))


@pytest.mark.parametrize("path, text", [(["name"], "name"), (["rule", 0, "filter"], "rule[0].filter"),
                                        (["tags", "Name"], "tags.Name")])
def test_paths_render_as_terraform_writes_them(path, text):
    assert render_path(path) == text


def test_a_task_definition_revision_is_a_routine_replacement_but_its_delete_is_not():
    replaced, deleted = classify(plan(
        change("aws_ecs_task_definition.tfserving", ["create", "delete"], {"cpu": "1"}, {"cpu": "2"},
               replace_paths=[["cpu"]]),
        change("aws_ecs_task_definition.old", ["delete"], {"cpu": "1"}, None,
               action_reason="delete_because_no_resource_config"),
    ))
    assert replaced.kind == "replace" and replaced.routine and not replaced.destructive
    assert "routine" in str(replaced)
    assert deleted.destructive


def test_long_values_are_cut_in_the_cause():
    [replaced] = classify(plan(change("aws_lb.x", ["delete", "create"], {"doc": "a" * 500}, {"doc": "b" * 500},
                                      replace_paths=[["doc"]])))
    assert replaced.cause == "forced by doc (502 chars) -> (502 chars)"
