"""The tags a run hands the deployment (tfsuite.aws.tagging.run_tags): the deployment names no harness, so
the run's name-prefix tag, by which leftovers and the janitor find its resources, comes this way."""

import json

import pytest

from tfsuite.aws.tagging import TAG_NAME_PREFIX, file_tags, run_tags
from tfsuite.paths import EXAMPLES_DIR
from tfsuite.static.hcl import parse_file


def test_the_run_tags_carry_the_profile_tags_and_the_name_prefix():
    profile = EXAMPLES_DIR / "article.tfvars"
    own = parse_file(profile)["tags"]

    tags = run_tags("tabc123", [profile])

    assert own, f"{profile.name} sets no tags: pick a profile that does"
    assert tags == {**own, TAG_NAME_PREFIX: "tabc123"}


def test_explicit_tags_win_over_the_var_files_and_the_name_prefix_tag_over_both(tmp_path):
    first = tmp_path / "a.tfvars"
    first.write_text('tags = { Team = "a", Environment = "x" }\n')
    second = tmp_path / "b.tfvars.json"
    second.write_text(json.dumps({"tags": {"Team": "b"}}))

    tags = run_tags("tabc123", [first, second], {"Environment": "y", TAG_NAME_PREFIX: "other"})

    assert tags == {"Team": "b", "Environment": "y", TAG_NAME_PREFIX: "tabc123"}


def test_a_var_file_without_tags_adds_none(tmp_path):
    plain = tmp_path / "plain.tfvars"
    plain.write_text('name_prefix = "x"\n')
    assert file_tags(plain) == {}


def test_tags_that_are_not_a_map_are_refused_with_the_file_name(tmp_path):
    bad = tmp_path / "bad.tfvars"
    bad.write_text('tags = ["a"]\n')
    with pytest.raises(ValueError, match="bad.tfvars: tags must be a map"):
        file_tags(bad)
