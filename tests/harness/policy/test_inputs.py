"""Bad input to the policy runner gets a clear error: scan targets and checkov batches."""

import pytest

from tfsuite.policy import CheckovBatch, ScanTarget


@pytest.mark.parametrize("name", ["", "../x", "a b"])
def test_scan_target_refuses_bad_names(tmp_path, name):
    with pytest.raises(ValueError, match="scan target name"):
        ScanTarget(name, tmp_path)


def test_scan_target_refuses_missing_paths_and_non_plan_files(tmp_path):
    with pytest.raises(FileNotFoundError):
        ScanTarget("x", tmp_path / "missing")
    (tmp_path / "main.tf").write_text("")
    with pytest.raises(ValueError, match="not a plan .json"):
        ScanTarget("x", tmp_path / "main.tf")


def test_checkov_batch_refuses_duplicate_or_no_targets(tmp_path):
    with pytest.raises(ValueError, match="at least one"):
        CheckovBatch([], checkov=tmp_path)
    with pytest.raises(ValueError, match="unique"):
        CheckovBatch([ScanTarget("a", tmp_path), ScanTarget("a", tmp_path)], checkov=tmp_path)
