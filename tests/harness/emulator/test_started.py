"""One start/stop wrapper for the emulators this process starts (embedded moto, host LocalStack),
and one way of choosing between a given LocalStack endpoint and starting one."""

from __future__ import annotations

import urllib.request

import pytest

from tfsuite.emulator import localstack
from tfsuite.emulator.endpoint import Emulator, StartedEmulator
from tfsuite.emulator.moto_server import EmbeddedMoto
from tfsuite.emulator.session import open_emulator


class Recording(StartedEmulator):
    def __init__(self) -> None:
        self.calls: list[str] = []

    def start(self) -> Emulator:
        self.calls.append("start")
        return Emulator("moto", "http://127.0.0.1:1")

    def stop(self) -> None:
        self.calls.append("stop")


def test_the_with_block_starts_and_stops_even_when_the_block_fails():
    started = Recording()
    with pytest.raises(RuntimeError, match="boom"), started as emulator:
        assert emulator.kind == "moto"
        raise RuntimeError("boom")
    assert started.calls == ["start", "stop"]


def test_both_emulators_we_start_use_the_shared_wrapper():
    assert issubclass(EmbeddedMoto, StartedEmulator) and issubclass(localstack.HostLocalStack, StartedEmulator)
    assert "__exit__" not in vars(EmbeddedMoto) and "__exit__" not in vars(localstack.HostLocalStack)


def test_without_localstack_endpoint_open_emulator_starts_moto_and_stops_it(monkeypatch):
    monkeypatch.delenv(localstack.ENDPOINT_ENV, raising=False)
    with open_emulator("eu-west-2") as emulator:
        assert (emulator.kind, emulator.region) == ("moto", "eu-west-2")
        with urllib.request.urlopen(emulator.endpoint + "/moto-api/", timeout=5) as answer:
            assert answer.status == 200
    with pytest.raises(OSError):
        urllib.request.urlopen(emulator.endpoint + "/moto-api/", timeout=2)
