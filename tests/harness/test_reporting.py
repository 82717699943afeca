"""The closing table and CI's verdict per layer."""

import pytest

from tfsuite import layers, reporting


@pytest.fixture(autouse=True)
def _reports(tmp_path, monkeypatch):
    monkeypatch.setenv("TFSUITE_REPORTS_DIR", str(tmp_path))


def write(layer, passed=0, failed=0, skipped=0, skips=(), exitstatus=0):
    reporting.write_summary(layer, counts={"passed": passed, "failed": failed, "skipped": skipped, "error": 0},
                            skips=[{"test": f"t{i}", "reason": r} for i, r in enumerate(skips)],
                            seconds=1.0, exitstatus=exitstatus)


def test_a_clean_layer_is_ok():
    write("unit", passed=3)
    assert reporting.verdict(reporting.read_summary("unit"), required=True) == "ok"


def test_failures_fail_the_layer():
    write("unit", passed=3, failed=1, exitstatus=1)
    assert reporting.verdict(reporting.read_summary("unit"), required=False) == "FAILED"


def test_a_required_layer_that_ran_nothing_fails():
    write("integration", skipped=4, exitstatus=0, skips=["toolchain missing"] * 4)
    assert reporting.verdict(reporting.read_summary("integration"), required=True) == "NO TESTS RAN"
    write("model", exitstatus=5)
    assert reporting.verdict(reporting.read_summary("model"), required=True) == "NO TESTS RAN"


def test_a_required_layer_may_skip_only_for_excused_reasons():
    write("serving", passed=5, skipped=1, skips=["no Docker engine: connection refused"])
    assert reporting.verdict(reporting.read_summary("serving"), required=True) == "ok"
    write("localstack", passed=5, skipped=1, skips=["LocalStack edition does not offer ecs (4.13.1)"])
    assert reporting.verdict(reporting.read_summary("localstack"), required=True) == "ok"
    write("serving", passed=5, skipped=1, skips=["image tensorflow/serving:2.18.0 not present"])
    assert reporting.verdict(reporting.read_summary("serving"), required=True) == "SKIPPED (required here)"


def test_missing_required_layer_fails_and_the_table_lists_skip_reasons(capsys):
    write("e2e", passed=2, skipped=1, skips=["RUN_AWS_E2E not set"])
    assert reporting.main(["e2e", "--require", "e2e,unit"]) == 1
    out = capsys.readouterr().out
    assert "MISSING" in out and "RUN_AWS_E2E not set" in out
    assert out.rstrip().endswith("suite: 2 passed, 0 failed, 1 skipped")


def test_unknown_layer_names_are_refused():
    with pytest.raises(SystemExit, match="unknown layer"):
        layers.parse_layers(["unit", "integation"])


CANARY_LAYER = '''
import pytest

def test_runs():
    assert True

@pytest.mark.xfail(strict=True, reason="upstream still lacks the fix")
def test_canary():
    assert False
'''


def test_an_expected_canary_failure_is_counted_as_xfailed_not_as_a_skip(pytester, monkeypatch, tmp_path):
    monkeypatch.setenv("TFSUITE_LAYER", "integration")
    pytester.makepyfile(test_canary=CANARY_LAYER)
    pytester.runpytest_inprocess("-p", "tfsuite.pytest_plugin").assert_outcomes(passed=1, xfailed=1)
    summary = reporting.read_summary("integration")
    assert summary["counts"]["xfailed"] == 1 and summary["counts"]["skipped"] == 0 and summary["skips"] == []
    assert reporting.verdict(summary, required=True) == "ok"
    assert reporting.totals_line(["integration"]) == "suite: 1 passed, 0 failed, 0 skipped, 1 xfailed"


def test_a_canary_whose_upstream_fix_landed_fails_the_layer(pytester, monkeypatch):
    monkeypatch.setenv("TFSUITE_LAYER", "integration")
    pytester.makepyfile(test_canary=CANARY_LAYER.replace("assert False", "assert True"))
    pytester.runpytest_inprocess("-p", "tfsuite.pytest_plugin").assert_outcomes(passed=1, failed=1)
    assert reporting.verdict(reporting.read_summary("integration"), required=True) == "FAILED"
