"""Each custom check under policies/checks fires on its failing fixture and stays quiet on its
passing one (tests/unit/fixtures/checks/<CHECK_ID>/{fail,pass}/)."""

import pytest

from tfsuite.policy import custom_check_ids
from tfsuite.testing.static_layer import UNIT_FIXTURES, load_check_fixtures

FIXTURES = load_check_fixtures(UNIT_FIXTURES / "checks")


def test_every_custom_check_has_a_failing_and_a_passing_fixture():
    have = {(f.check_id, f.verdict) for f in FIXTURES}
    want = {(check, verdict) for check in custom_check_ids() for verdict in ("fail", "pass")}
    assert sorted(want - have) == []
    assert sorted({c for c, _ in have} - custom_check_ids()) == [], "fixtures for a check that does not exist"


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.target for f in FIXTURES])
def test_custom_check_verdict_on_fixture(policy_results, fixture):
    outcomes = [o for o in policy_results[fixture.target].outcomes if o.check_id == fixture.check_id]
    assert outcomes, f"{fixture.check_id} reported nothing on {fixture.folder}"
    verdicts = {o.resource: o.result for o in outcomes}
    expected = "FAILED" if fixture.verdict == "fail" else "PASSED"
    assert set(verdicts.values()) == {expected}, "\n".join(map(str, outcomes))
