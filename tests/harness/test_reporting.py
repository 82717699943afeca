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
