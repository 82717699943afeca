"""terraform/ keeps every structural promise of the deployment (read with python-hcl2, no CLI).

Each promise is a function in tfsuite.static.promises; its id and sentence appear in the test id
and in the failure. test_broken_configurations.py proves each one fires.
"""

import pytest

from tfsuite.static import PROMISES


@pytest.mark.parametrize("promise_id", sorted(PROMISES))
def test_terraform_keeps_promise(real_config, promise_id):
    promise = PROMISES[promise_id]
    findings = promise(real_config)
    assert findings == [], f"{promise.text}:\n" + "\n".join(map(str, findings))


def test_every_promise_is_proven_by_a_broken_configuration(layer_run):
    proven = {rule for case in layer_run.cases for rule in case.rules}
    assert sorted(set(PROMISES) - proven) == [], "promises no broken configuration shows firing"
