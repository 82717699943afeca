"""Copies of terraform/ broken in ways only the data plane shows (tests/rehearsal/broken/cases.yaml):
each passes the static layer's structural promises, and each fails the rehearsal's serve check,
which the intact deployment passes in the same run."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tfsuite.paths import TERRAFORM_DIR
from tfsuite.rehearsal.checks import serve_check
from tfsuite.rehearsal.world import World
from tfsuite.testing.rehearsal_broken import load_cases, static_findings

CASES = load_cases(Path(__file__).parent / "broken" / "cases.yaml")
SERVE_TIMEOUT = 120  # seconds: several model servers start side by side on two cores


def test_the_cases_cover_every_part_of_the_data_plane():
    covered = {case.covers for case in CASES}

    assert {"task role permissions", "the sync script", "the containers' environment",
            "the containers' volumes", "the health check"} <= covered
    assert len(CASES) >= 5


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_broken_copy_passes_the_static_wiring_checks(case, tmp_path):
    copy = case.build(TERRAFORM_DIR, tmp_path / "terraform")

    assert static_findings(copy) == static_findings(TERRAFORM_DIR) == []


@pytest.fixture(scope="module")
def outcomes(toolchain, emulator, world, tmp_path_factory):
    """case name -> what failed (None: it served), with "intact" for the deployment itself. Copies are
    applied two at a time with IAM enforcement paused (Terraform signs with the emulator's root
    keys), then every rehearsal runs at once with enforcement on."""
    def apply(case) -> World:
        source = case.build(TERRAFORM_DIR, tmp_path_factory.mktemp(case.name) / "terraform")
        return World.apply(toolchain, emulator, source=source, lead="b", enforce=False)

    with world.enforcement_paused(), ThreadPoolExecutor(max_workers=2) as pool:
        futures = {case.name: pool.submit(apply, case) for case in CASES}
    worlds = {name: f.result() for name, f in futures.items() if f.exception() is None}
    try:
        failed = {name: f.exception() for name, f in futures.items() if f.exception() is not None}
        if failed:
            raise RuntimeError(f"apply of broken copies failed: {failed}")
        world.enforce()
        everything = {"intact": world, **worlds}
        with ThreadPoolExecutor(max_workers=len(everything)) as pool:
            results = dict(zip(everything, pool.map(lambda w: serve_check(w, SERVE_TIMEOUT), everything.values()),
                               strict=True))
        yield results
    finally:
        with world.enforcement_paused():
            for applied in worlds.values():
                applied.close()


def test_the_serve_check_passes_on_the_intact_deployment(outcomes, scenario):
    scenario(cases=len(CASES))
    assert outcomes["intact"] is None, outcomes["intact"]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_broken_copy_fails_the_rehearsal(case, outcomes, scenario):
    failure = outcomes[case.name]

    scenario(covers=case.covers, failure=(failure or "")[:200])
    assert failure is not None, f"{case.name} ({case.description}) served the article's request"
