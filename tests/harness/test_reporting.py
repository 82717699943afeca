"""The closing table and CI's verdict per layer: an excused skip belongs to one layer and one kind
of test, a required layer that skipped everything fails, deselected tests are shown."""

import os
import subprocess
import sys

import pytest

from tfsuite import layers, reporting, verdicts
from tfsuite.paths import REPO_ROOT

DOCKER_SKIP = "no Docker engine: Error while fetching server API version: connection refused"
AWS_SKIP = "RUN_AWS_E2E not set: real-AWS e2e is opt-in"
LOCALSTACK_SKIP = "LocalStack edition does not offer elbv2 (localstack 4.13.1, community edition)"


@pytest.fixture(autouse=True)
def _reports(tmp_path, monkeypatch):
    monkeypatch.setenv("TFSUITE_REPORTS_DIR", str(tmp_path))


def write(layer, passed=0, failed=0, skipped=0, skips=(), exitstatus=0, deselected=0):
    """skips: reasons, or (reason, [markers]) pairs."""
    entries = [{"test": f"t{i}", "reason": s, "markers": []} if isinstance(s, str)
               else {"test": f"t{i}", "reason": s[0], "markers": list(s[1])} for i, s in enumerate(skips)]
    reporting.write_summary(layer, counts={"passed": passed, "failed": failed, "skipped": skipped, "error": 0,
                                           "deselected": deselected},
                            skips=entries, seconds=1.0, exitstatus=exitstatus)


def judged(layer, required=True):
    return verdicts.judge(layer, reporting.read_summary(layer), required)


def test_a_clean_layer_is_ok():
    write("unit", passed=3)
    assert judged("unit") == verdicts.Verdict("ok", True)


def test_failures_fail_the_layer():
    write("unit", passed=3, failed=1, exitstatus=1)
    assert judged("unit", required=False) == verdicts.Verdict("FAILED", False)


def test_a_required_layer_that_ran_nothing_fails():
    write("integration", skipped=4, exitstatus=0, skips=["toolchain missing"] * 4)
    assert not judged("integration").passed
    write("model", exitstatus=5)
    assert judged("model") == verdicts.Verdict("NO TESTS RAN", False)


def test_a_required_layer_whose_tests_all_skipped_fails_even_for_excused_reasons():
    write("serving", skipped=2, skips=[(DOCKER_SKIP, ["docker"])] * 2)
    assert judged("serving") == verdicts.Verdict("ALL SKIPPED (required here)", False)
    assert judged("serving", required=False).passed


@pytest.mark.parametrize("layer, reason, markers", [
    ("serving", DOCKER_SKIP, ["docker"]),
    ("e2e", AWS_SKIP, ["aws"]),
    ("localstack", LOCALSTACK_SKIP, ["localstack"]),
])
def test_each_excuse_holds_in_its_layer_for_its_kind_of_test(layer, reason, markers):
    write(layer, passed=5, skipped=1, skips=[(reason, markers)])
    assert judged(layer) == verdicts.Verdict("ok (1 excused skips)", True)


@pytest.mark.parametrize("layer, reason, markers", [
    ("serving", DOCKER_SKIP, []),                     # a Docker error in a test that is not a Docker test
    ("integration", DOCKER_SKIP, ["docker"]),         # a Docker test outside its layers
    ("e2e", AWS_SKIP, []),                            # the opt-in excusing a test that needs no AWS
    ("serving", AWS_SKIP, ["aws"]),
    ("integration", LOCALSTACK_SKIP, ["localstack"]),  # the required moto layer skipping as LocalStack
    ("integration", LOCALSTACK_SKIP, []),
    ("localstack", LOCALSTACK_SKIP, []),
    ("serving", "image tensorflow/serving:2.18.0 not present and cannot be pulled", ["docker"]),
    ("serving", "something no Docker engine", ["docker"]),  # the words must open the reason
])
def test_an_excuse_outside_its_layer_or_kind_of_test_fails_a_required_layer(layer, reason, markers):
    write(layer, passed=5, skipped=1, skips=[(reason, markers)])
    assert judged(layer) == verdicts.Verdict("SKIPPED (required here)", False)
    assert judged(layer, required=False).passed


def test_the_table_says_which_skips_are_excused_and_why_the_others_are_not(capsys):
    write("serving", passed=5, skipped=2, skips=[(DOCKER_SKIP, ["docker"]), (DOCKER_SKIP, [])])
    assert reporting.main(["serving", "--require", "serving"]) == 1
    out = capsys.readouterr().out
    notes = out.split("Skipped tests and their reasons:")[1]
    assert "excused: a Docker test where no Docker daemon answers" in notes
    assert "NOT EXCUSED: 'no Docker engine' is excused only for tests marked docker" in notes
    assert "SKIPPED (required here)" in out


def test_deselected_tests_are_shown_in_the_table(capsys):
    write("integration", passed=7, deselected=3)
    assert reporting.main(["integration"]) == 0
    header, _, row = capsys.readouterr().out.splitlines()[:3]
    assert dict(zip(header.split(), row.split()))["deselected"] == "3"


def test_missing_required_layer_fails_and_the_totals_line_comes_last(capsys):
    write("e2e", passed=2, skipped=1, skips=[(AWS_SKIP, ["aws"])])
    assert reporting.main(["e2e", "--require", "e2e,unit"]) == 1
    out = capsys.readouterr().out
    assert "MISSING" in out and AWS_SKIP in out
    assert out.rstrip().splitlines()[-1] == "suite: 2 passed, 0 failed, 1 skipped"


def test_unknown_layer_names_are_refused():
    with pytest.raises(SystemExit, match="unknown layer"):
        layers.parse_layers(["unit", "integation"])


def test_the_plugin_records_each_skips_kind_of_test_and_counts_deselected_and_xfailed_apart(tmp_path):
    """An expected failure (a canary) is not a skip: it must not fail a required layer."""
    (tmp_path / "test_sample.py").write_text(
        "import pytest\n"
        "@pytest.mark.docker\n"
        "def test_docker():\n    pytest.skip('no Docker engine: connection refused')\n"
        "def test_plain():\n    pytest.skip('no Docker engine: connection refused')\n"
        "def test_passes():\n    pass\n"
        "@pytest.mark.slow\n"
        "def test_left_out():\n    pass\n"
        "@pytest.mark.xfail(strict=True, reason='a canary')\n"
        "def test_canary():\n    assert False\n")
    (tmp_path / "pytest.ini").write_text("[pytest]\nmarkers =\n    docker: d\n    slow: s\n")
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT / "src"), "TFSUITE_LAYER": "serving",
           "TFSUITE_REPORTS_DIR": str(reporting.summary_path("serving").parent)}
    subprocess.run([sys.executable, "-m", "pytest", "-p", "tfsuite.pytest_plugin", "-p", "no:cacheprovider",
                    "-m", "not slow", "-q", str(tmp_path)], cwd=tmp_path, env=env, check=True,
                   capture_output=True, timeout=120)
    summary = reporting.read_summary("serving")
    assert summary["counts"] == {"passed": 1, "failed": 0, "skipped": 2, "error": 0, "deselected": 1, "xfailed": 1}
    markers = {skip["test"].split("::")[1]: skip["markers"] for skip in summary["skips"]}
    assert markers == {"test_docker": ["docker"], "test_plain": []}
    assert judged("serving") == verdicts.Verdict("SKIPPED (required here)", False)


def test_an_expected_failure_is_listed_with_its_reason_and_is_not_a_skip(pytester, monkeypatch, capsys):
    """A strict xfail (a scenario waiting for a product fix) ran: it must not turn a required layer
    into "SKIPPED (required here)" (the plugin counted it as a skip with its traceback before)."""
    monkeypatch.setenv("TFSUITE_LAYER", "rehearsal")
    pytester.makepyfile("""
        import pytest

        def test_ok():
            pass

        @pytest.mark.xfail(strict=True, reason="issue 13: known defect")
        def test_known_defect():
            assert False
    """)
    pytester.runpytest("-p", "tfsuite.pytest_plugin")

    summary = reporting.read_summary("rehearsal")
    assert summary["counts"]["passed"] == 1 and summary["counts"]["skipped"] == 0
    assert summary["xfails"] == [{"test": "test_an_expected_failure_is_listed_with_its_reason_and_is_not_a_skip.py"
                                          "::test_known_defect", "reason": "issue 13: known defect"}]
    assert reporting.main(["rehearsal", "--require", "rehearsal"]) == 0
    assert "XFAIL" in capsys.readouterr().out
