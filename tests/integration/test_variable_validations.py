"""Every bad value in variable_validations.yaml makes plan fail with its message, and every
validation block of variables.tf has such a case."""

from __future__ import annotations

from pathlib import Path

import pytest

from tfsuite.paths import TERRAFORM_DIR
from tfsuite.runner.validations import load_cases, uncovered, unmatched, validation_blocks

CASES_FILE = Path(__file__).parent / "variable_validations.yaml"
CASES = load_cases(CASES_FILE)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_bad_value_is_refused_with_its_message(validation_outcomes, case):
    errors = validation_outcomes[case]

    assert errors, f"plan accepted {case.variables}"
    assert case.found_in(errors), f"no error says {case.message!r}; the plan said:\n" + "\n".join(errors)


def test_every_validation_block_has_a_bad_value_case():
    missing = uncovered(validation_blocks(TERRAFORM_DIR / "variables.tf"), CASES)
    assert not missing, f"validation blocks without a case in {CASES_FILE.name}:\n" + "\n".join(
        f"  {b.variable}: {b.error_message}" for b in missing)


def test_every_single_variable_case_names_one_of_its_validation_messages():
    strays = unmatched(validation_blocks(TERRAFORM_DIR / "variables.tf"), CASES)
    assert not strays, "cases whose message is in no validation block of their variable:\n" + "\n".join(
        f"  {c.id}: {c.message}" for c in strays)
