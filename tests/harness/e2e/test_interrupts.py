"""SIGTERM and SIGINT become an exception the run's cleanup can act on."""

import signal

import pytest

from tfsuite.e2e.interrupts import Interrupted, interrupts_raise


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_inside_the_block_raises_interrupted(signum):
    with pytest.raises(Interrupted) as caught, interrupts_raise():
        signal.raise_signal(signum)
    assert caught.value.signum == signum and caught.value.name == signal.Signals(signum).name


def test_signals_during_cleanup_are_recorded_and_ignored(capsys):
    with interrupts_raise() as handler:
        handler.cleaning_up = True
        signal.raise_signal(signal.SIGTERM)
    assert handler.received == ["SIGTERM"]
    assert "carrying on with the cleanup" in capsys.readouterr().err


def test_the_previous_handlers_come_back():
    before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    with interrupts_raise():
        assert signal.getsignal(signal.SIGTERM) is not before[0]
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)) == before
