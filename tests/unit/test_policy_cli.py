"""`python -m tfsuite.policy`: what --help promises, and the exit codes of a gate that cannot run."""

import pytest

from tfsuite.policy.__main__ import main
from tfsuite.testing.static_layer import UNIT_FIXTURES


def test_help_names_exit_codes_and_what_it_checks(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "Exit codes: 0" in out and "1 it fails" in out and "2 it cannot run" in out
    for topic in ("FullAccess", "security group", "data \"http\"", "deprecates", "--ledger", "none",
                  "Module sources"):
        assert topic in out, topic


def test_missing_folder_exits_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main([str(tmp_path / "nowhere")])
    assert exc.value.code == 2
    assert "is not a folder" in capsys.readouterr().err


def test_unreadable_ledger_exits_2_before_scanning(tmp_path, capsys):
    folder = UNIT_FIXTURES / "thirdparty" / "article"
    assert main([str(folder), "--ledger", str(tmp_path / "missing.yaml"), "--sarif", str(tmp_path / "x.sarif")]) == 2
    assert "no suppression ledger" in capsys.readouterr().err
