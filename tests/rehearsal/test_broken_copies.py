"""Copies of terraform/ broken in ways only the data plane shows (tests/rehearsal/broken/cases.yaml):
each passes the static layer's structural promises, and each fails the rehearsal's serve check for
the reason it plants, where the intact deployment passes it in the same run. All are applied with
the article profile as shipped: Terraform uploads the model (version 1, then its _COMPLETE marker)
and the serve check uploads nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tfsuite.paths import TERRAFORM_DIR
from tfsuite.testing.broken_cases import CaseError
from tfsuite.testing.rehearsal_broken import load_cases, static_findings

CASES = load_cases(Path(__file__).parent / "broken" / "cases.yaml")


def test_the_cases_cover_every_part_of_the_data_plane():
    covered = {case.covers for case in CASES}

    assert {"task role permissions", "the sync script", "the containers' command", "the containers' volumes",
            "the health check"} <= covered
    assert len(CASES) >= 5


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_broken_copy_passes_the_static_wiring_checks(case, tmp_path):
    copy = case.build(TERRAFORM_DIR, tmp_path / "terraform")

    assert static_findings(copy) == static_findings(TERRAFORM_DIR) == []


def _write_case(tmp_path: Path, find: str, replace: str = "x", count: int = 1, expect: str = "['x']") -> Path:
    path = tmp_path / "cases.yaml"
    path.write_text(f"c:\n  covers: the sync script\n  description: d\n  expect: {expect}\n"
                    f"  edits:\n    - {{file: main.tf, find: '{find}', replace: '{replace}', count: {count}}}\n")
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "main.tf").write_text('locals {\n  a = "one"\n  b = "one"\n}\n')
    return path


@pytest.mark.parametrize(("find", "replace", "count", "message"), [
    ("absent text", "x", 1, "matches 0 time"),
    ('"one"', '"two"', 1, "matches 2 time"),
    ('a = "one"', 'a = "one"', 1, "leaves it unchanged"),
])
def test_an_edit_that_does_not_apply_fails_loudly(tmp_path, find, replace, count, message):
    (case,) = load_cases(_write_case(tmp_path, find, replace, count))

    with pytest.raises(CaseError, match=message):
        case.build(tmp_path / "base", tmp_path / "copy")


@pytest.mark.parametrize(("expect", "message"), [("[]", "expect must be"), ("['(']", "not a regex")])
def test_a_case_must_name_the_failure_it_plants(tmp_path, expect, message):
    with pytest.raises(CaseError, match=message):
        load_cases(_write_case(tmp_path, "a", expect=expect))


def test_an_edit_that_applies_changes_only_the_copy(tmp_path):
    (case,) = load_cases(_write_case(tmp_path, 'a = "one"', 'a = "two"'))

    copy = case.build(tmp_path / "base", tmp_path / "copy")

    assert 'a = "two"' in (copy / "main.tf").read_text()
    assert 'a = "one"' in (tmp_path / "base" / "main.tf").read_text()
    assert case.unexplained('a = "two"') == ["x"] and case.unexplained("x") == []


@pytest.fixture(scope="module")
def outcomes(broken_run):
    """name -> what failed (None: it served), "intact" for terraform/ itself (see conftest.broken_run)."""
    return broken_run.result()


def test_the_article_profile_as_shipped_serves_its_model(outcomes, scenario):
    """Terraform's own upload (every file, then 1/_COMPLETE) is synced, loaded and answers."""
    scenario(cases=len(CASES))
    assert outcomes["intact"] is None, outcomes["intact"]


def test_native_s3_mode_as_shipped_serves_its_model_from_s3(outcomes, scenario):
    """model_loading_mode = "native_s3": the model server reads s3:// with the task role's keys as TF's
    S3 file system does (HeadObject on "<model_name>", then ListObjects "<model_name>/")."""
    scenario(mode="native_s3")
    assert outcomes["intact-native-s3"] is None, outcomes["intact-native-s3"]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_broken_copy_fails_the_rehearsal_for_the_planted_reason(case, outcomes, scenario):
    failure = outcomes[case.name]

    scenario(covers=case.covers, failure=(failure or "")[:200])
    assert failure is not None, f"{case.name} ({case.description}) served the article's request"
    assert case.unexplained(failure) == [], f"{case.name} failed, but not for the reason it plants:\n{failure}"
