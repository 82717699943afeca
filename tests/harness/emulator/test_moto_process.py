"""moto in a process of its own: its own state and IAM enforcement switch, ended by stop()."""

from __future__ import annotations

import requests

from tfsuite.emulator.moto_process import MotoProcess
from tfsuite.emulator.moto_server import EmbeddedMoto


def test_a_moto_process_keeps_its_state_and_enforcement_apart_from_the_embedded_server():
    with EmbeddedMoto() as embedded, MotoProcess() as separate:
        separate.client("s3").create_bucket(Bucket="only-in-the-process",
                                            CreateBucketConfiguration={"LocationConstraint": separate.region})
        requests.post(f"{embedded.endpoint}/moto-api/reset-auth", data="0", timeout=10).raise_for_status()
        try:
            listed = [b["Name"] for b in separate.client("s3").list_buckets()["Buckets"]]  # root keys: allowed
        finally:
            requests.post(f"{embedded.endpoint}/moto-api/reset-auth", data="inf", timeout=10).raise_for_status()
        embedded_buckets = [b["Name"] for b in embedded.client("s3").list_buckets()["Buckets"]]

    assert listed == ["only-in-the-process"]
    # (the embedded server is this process's moto: other tests on the same worker may have left buckets)
    assert "only-in-the-process" not in embedded_buckets


def test_stop_ends_the_process_and_a_second_stop_does_nothing():
    moto = MotoProcess()
    emulator = moto.start()
    process = moto._process
    moto.stop()
    moto.stop()

    assert process.returncode is not None
    try:
        requests.get(f"{emulator.endpoint}/moto-api/", timeout=2)
    except requests.ConnectionError:
        return
    raise AssertionError("the moto process still answers after stop()")
