"""Whether a layer's summary passes: the excused skips (each belongs to one layer and one kind of
test) and the verdict of a required or optional layer.

A required layer (`--require`, every layer in `.ci/run`, the layer a `make <layer>` target runs)
passes only when it ran at least one test, nothing failed, and every skip is excused: its reason
starts with an excuse's words, the skipped test carries that excuse's marker (the kind of test),
and the layer is one the excuse belongs to. Any other skip fails it; so does a layer whose tests
all skipped, whatever the reasons. An optional layer passes when nothing failed.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Excuse:
    """A skip a required layer may have on a machine like ours."""

    reason: str  # the skip reason starts with these words
    marker: str  # the kind of test: the skipped test carries this marker
    layers: frozenset[str]  # the layers this excuse belongs to
    means: str  # shown in the table beside each excused skip

    def covers(self, layer: str, skip: dict) -> bool:
        return (layer in self.layers and skip.get("reason", "").startswith(self.reason)
                and self.marker in skip.get("markers", ()))


EXCUSES = (
    Excuse("no Docker engine", "docker", frozenset({"serving", "rehearsal"}),
           "a Docker test where no Docker daemon answers"),
    Excuse("RUN_AWS_E2E not set", "aws", frozenset({"e2e"}),
           "a real-AWS test without the opt-in"),
    Excuse("LocalStack edition does not offer", "localstack", frozenset({"localstack"}),
           "a LocalStack test about a service this LocalStack edition lacks"),
)

# The markers that name a kind of test an excuse can belong to (recorded with every skip).
TEST_KINDS = frozenset(excuse.marker for excuse in EXCUSES)


def excuse_for(layer: str, skip: dict) -> Excuse | None:
    return next((excuse for excuse in EXCUSES if excuse.covers(layer, skip)), None)


def unexcused_skips(layer: str, summary: dict) -> list[dict]:
    return [skip for skip in summary.get("skips", []) if excuse_for(layer, skip) is None]


@dataclass(frozen=True)
class Verdict:
    label: str
    passed: bool


def judge(layer: str, summary: dict | None, required: bool) -> Verdict:
    if summary is None:
        return Verdict("MISSING", False) if required else Verdict("not run", True)
    counts = summary["counts"]
    if counts.get("failed") or counts.get("error") or summary["exitstatus"] not in (0, 5):
        return Verdict("FAILED", False)
    skipped = counts.get("skipped", 0)
    if counts.get("passed", 0) == 0:
        if not skipped:
            return Verdict("NO TESTS RAN", False)
        return Verdict("ALL SKIPPED (required here)", False) if required else Verdict("all skipped", True)
    if not required:
        return Verdict(f"ok ({skipped} skipped)" if skipped else "ok", True)
    if unexcused_skips(layer, summary):
        return Verdict("SKIPPED (required here)", False)
    return Verdict(f"ok ({skipped} excused skips)" if skipped else "ok", True)


def skip_note(layer: str, skip: dict, required: bool) -> str:
    """How the table explains one skip of a layer."""
    if not required:
        return "layer not required here"
    excuse = excuse_for(layer, skip)
    if excuse:
        return f"excused: {excuse.means}"
    return "NOT EXCUSED: " + _why_not(layer, skip)


def _why_not(layer: str, skip: dict) -> str:
    reason, markers = skip.get("reason", ""), set(skip.get("markers", ()))
    for excuse in EXCUSES:
        if reason.startswith(excuse.reason):
            if layer not in excuse.layers:
                return f"'{excuse.reason}' is excused only in the {', '.join(sorted(excuse.layers))} layer(s)"
            if excuse.marker not in markers:
                return f"'{excuse.reason}' is excused only for tests marked {excuse.marker}"
    return "a required layer may skip only for " + "; ".join(
        f"'{e.reason}' ({e.marker} tests in {', '.join(sorted(e.layers))})" for e in EXCUSES)
