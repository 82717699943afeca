"""Each broken copy of terraform/ (tests/unit/fixtures/broken/<case>/expect.yaml) is caught:
by the structural promise it names, and by the policy gate when it names checkov checks."""

import pytest

from tfsuite.policy import review_folder
from tfsuite.static import HclParseError, check_promises
from tfsuite.testing.broken_cases import load_cases
from tfsuite.testing.static_layer import UNIT_FIXTURES, StaticLayerRun

CASES = load_cases(UNIT_FIXTURES / "broken")


def _ids(cases):
    return [c.name for c in cases]


STRUCTURAL = [c for c in CASES if c.rules]
UNPARSEABLE = [c for c in CASES if c.parse_error]
# Each broken copy costs checkov ~0.7 s, more than the layer's time budget allows: they are
# scanned in thorough runs only (tox -e gate runs the tests marked slow).
GATED = [c for c in CASES if c.needs_checkov]


@pytest.mark.parametrize("case", STRUCTURAL, ids=_ids(STRUCTURAL))
def test_promise_catches_broken_configuration(layer_run: StaticLayerRun, case):
    findings = check_promises(layer_run.case_config(case), only=case.rules)
    caught = {f.rule for f in findings}
    assert caught == set(case.rules), f"{case.description}: {sorted(set(case.rules) - caught)} did not fire"


@pytest.mark.parametrize("case", UNPARSEABLE, ids=_ids(UNPARSEABLE))
def test_unparseable_configuration_fails_closed_in_python_hcl2(layer_run, case):
    with pytest.raises(HclParseError):
        layer_run.case_config(case)


@pytest.mark.slow
@pytest.mark.parametrize("case", GATED, ids=_ids(GATED))
def test_policy_gate_fails_broken_configuration(layer_run, policy_results, ledger, case):
    report = review_folder(layer_run.case_results(case), ledger)
    assert not report.ok, f"{case.description}: the gate passed\n{report.summary()}"
    failed_unsuppressed = {o.check_id for o in report.unsuppressed}
    assert set(case.checkov) <= failed_unsuppressed, (
        f"{case.description}: expected {sorted(case.checkov)} to fail\n{report.summary()}")
    if case.gate_problem:
        assert any(case.gate_problem in p for p in report.problems), report.summary()
    if case.parse_error:
        assert report.scan.parsing_errors, report.summary()
