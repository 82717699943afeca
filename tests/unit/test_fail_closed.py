"""The policy gate fails closed: a checkov that crashes, cannot load our checks or writes no
results raises CheckovError instead of passing (checkov itself logs such errors and goes on)."""

import stat

import pytest

from tfsuite.policy import CheckovBatch, CheckovError, ScanTarget


def fake_checkov(tmp_path, body: str):
    script = tmp_path / "checkov"
    script.write_text("#!/bin/sh\n" + body + "\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


@pytest.mark.parametrize("body, message", [
    ("echo 'Traceback: boom' >&2; exit 2", "exited with 2"),
    ("echo \"Cannot load external check 'ecs_image_pinned' from x\" >&2; exit 0", "could not load the custom check"),
    ("exit 0", "wrote no results"),
])
def test_a_broken_checkov_run_raises(tmp_path, body, message):
    target = tmp_path / "tf"
    target.mkdir()
    (target / "main.tf").write_text('resource "aws_s3_bucket" "b" {}\n')
    batch = CheckovBatch([ScanTarget("tf", target)], checkov=fake_checkov(tmp_path, body))
    with pytest.raises(CheckovError, match=message):
        batch.wait()
