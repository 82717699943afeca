"""moto's delimited S3 listings in versioned buckets, made to leave out deleted "folders" (a
compatibility patch in the style of moto_compat; applied by moto_compat.apply()).

Gap (moto 5.2.5; no upstream moto issue found; AWS's behaviour as reported in
seaweedfs/seaweedfs#10416: AWS and Ceph RGW return a CommonPrefix only when at least one current,
non-delete-marked object shares it): ListObjects/ListObjectsV2 with a Delimiter leave delete
markers out of Contents but not out of CommonPrefixes. A model version deleted from a versioned
bucket still shows as `PRE 3/` in `aws s3 ls`, so the sync sidecar never removes it and TF Serving
never unloads it: the "deleted version is unloaded" rehearsal fails on the emulator only.

Fix: after moto's list_objects, a common prefix is kept only when a key under it has a current
version that is not a delete marker.

The canary (tests/rehearsal/test_moto_s3_listing.py) lists with the patch taken off (`unpatched()`)
and expects the deleted prefix gone, strict xfail.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from moto.s3.models import FakeDeleteMarker, S3Backend

_ORIGINAL = S3Backend.list_objects


def _list_objects(self: S3Backend, bucket: Any, prefix: str | None, delimiter: str | None, marker: str | None,
                  max_keys: int | None) -> Any:
    keys, folders, truncated, next_marker = _ORIGINAL(self, bucket, prefix, delimiter, marker, max_keys)
    if delimiter and folders:
        live = [name for name, key in bucket.keys.items() if not isinstance(key, FakeDeleteMarker)]
        folders = [folder for folder in folders if any(name.startswith(folder) for name in live)]
    return keys, folders, truncated, next_marker


def apply() -> None:
    S3Backend.list_objects = _list_objects


@contextmanager
def unpatched() -> Iterator[None]:
    patched = S3Backend.list_objects
    S3Backend.list_objects = _ORIGINAL
    try:
        yield
    finally:
        S3Backend.list_objects = patched
