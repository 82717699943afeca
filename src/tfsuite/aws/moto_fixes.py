"""A moto gap the e2e fault tests hit, closed in-process (the embedded server runs in this
process) until tfsuite.emulator.moto_compat takes it over.

DeleteObject(s) on a bucket whose versioning is Suspended pops every version of the key,
delete markers included, and calls dispose() on each; moto's FakeDeleteMarker has no dispose(),
so the call answers HTTP 500 and the AWS provider retries the destroy for minutes. An apply
interrupted at the right moment leads there (the versioning resource is destroyed, which suspends
versioning, before the objects). Fix: a no-op dispose() on delete markers (they hold no data).
"""

from __future__ import annotations


def apply() -> None:
    from moto.s3.models import FakeDeleteMarker

    if not hasattr(FakeDeleteMarker, "dispose"):  # a moto release that has it needs no fix
        FakeDeleteMarker.dispose = lambda self, garbage=False: None
