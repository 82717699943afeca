"""The model-sync sidecar's real script (terraform/templates/model_sync.sh.tftpl, rendered as
Terraform renders it) run under /bin/sh with the pinned AWS CLI 1.x against embedded moto.

Upload protocol: version N is complete once N/_COMPLETE exists, written last. The script must
publish only complete versions, never copy a partial one into the live folder, publish a version
again when its marker changes, remove a version whose marker is gone, and retry after errors.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tfsuite.modelsync import COMPLETE_MARKER, SYNC_TEMPLATE, SyncScript, render_template, sync_template_values
from tfsuite.paths import MODEL_DIR, TERRAFORM_DIR


def load_config(folder: Path):
    """python-hcl2 is imported on use: the localstack env collects this module without it."""
    from tfsuite.static.hcl import load_config as load

    return load(folder)

MODEL = "empty_model"
SAVED_MODEL = MODEL_DIR / MODEL / "1"


@pytest.fixture(scope="module")
def aws_cli() -> Path:
    """The AWS CLI 1.x of this environment (reads AWS_ENDPOINT_URL); pinned in constraints.txt."""
    cli = Path(sys.executable).parent / "aws"
    if not cli.exists():
        found = shutil.which("aws")
        cli = Path(found) if found else cli
    assert cli.exists(), f"no AWS CLI in this environment ({cli}): requirements/integration.txt installs awscli"
    version = subprocess.run([str(cli), "--version"], capture_output=True, text=True, check=True)
    assert (version.stdout + version.stderr).startswith("aws-cli/1."), (
        f"{cli} is not AWS CLI 1.x (it must read AWS_ENDPOINT_URL): {version.stdout}{version.stderr}")
    return cli


@pytest.fixture
def models_dir(tmp_path) -> Path:
    return tmp_path / "models"


@pytest.fixture
def s3(emulator):
    return emulator.client("s3")


@pytest.fixture
def bucket(s3, request) -> str:
    name = f"sync-{request.node.name.replace('_', '-')[:40].strip('-')}".lower()
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    yield name
    for version in s3.list_objects_v2(Bucket=name).get("Contents", []):
        s3.delete_object(Bucket=name, Key=version["Key"])
    s3.delete_bucket(Bucket=name)


def _script(bucket: str, models_dir: Path) -> str:
    values = sync_template_values(load_config(TERRAFORM_DIR), bucket=bucket, models_dir=models_dir)
    return render_template(SYNC_TEMPLATE, values)


def _upload_files(s3, bucket: str, version: str) -> dict[str, bytes]:
    """The repository's SavedModel as version `version`, without its marker."""
    files = {p.relative_to(SAVED_MODEL).as_posix(): p.read_bytes() for p in SAVED_MODEL.rglob("*") if p.is_file()}
    assert files, f"no SavedModel under {SAVED_MODEL}: run model/make_model.py"
    for name, body in files.items():
        s3.put_object(Bucket=bucket, Key=f"{MODEL}/{version}/{name}", Body=body)
    return files


def _complete(s3, bucket: str, version: str, body: bytes = b"") -> None:
    s3.put_object(Bucket=bucket, Key=f"{MODEL}/{version}/{COMPLETE_MARKER}", Body=body)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_terraform_passes_the_protocol_marker_to_the_script():
    assert sync_template_values(load_config(TERRAFORM_DIR), bucket="b", models_dir=Path("/m"))["marker"] == \
        COMPLETE_MARKER


def test_only_complete_versions_are_published_and_deleted_ones_disappear(aws_cli, emulator, s3, bucket,
                                                                         models_dir):
    live = models_dir / MODEL
    files = _upload_files(s3, bucket, "1")
    _complete(s3, bucket, "1")
    _upload_files(s3, bucket, "2")  # version 2 is still uploading: no marker yet

    with SyncScript(_script(bucket, models_dir), emulator.endpoint, aws_cli) as sync:
        # the end of a pass that saw version 2 without its marker (or, wrongly, version 2 in place)
        sync.wait_for(lambda: _logged(sync, f"waiting for {COMPLETE_MARKER}: 2") or (live / "2").exists(),
                      "a pass that saw version 2 incomplete")

        assert sorted(p.name for p in live.iterdir()) == ["1"], sync.output()
        assert {k: v for k, v in _files(live / "1").items() if k != COMPLETE_MARKER} == files

        _complete(s3, bucket, "2")
        sync.wait_for(lambda: (live / "2" / "saved_model.pb").is_file(), "version 2 in place once complete")
        assert {k: v for k, v in _files(live / "2").items() if k != COMPLETE_MARKER} == files

        for key in [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=f"{MODEL}/1/")["Contents"]]:
            s3.delete_object(Bucket=bucket, Key=key)
        sync.wait_for(lambda: not (live / "1").exists(), "version 1 removed after its deletion from S3")

        assert sorted(p.name for p in live.iterdir()) == ["2"], sync.output()
        assert not any(p.name != "2" for p in (models_dir / ".incoming").iterdir()), "download leftovers"


def test_a_partial_version_never_reaches_the_live_folder(aws_cli, emulator, s3, bucket, models_dir):
    """Today's final `aws s3 sync --delete` of the whole prefix copied partial versions into place."""
    live = models_dir / MODEL
    _upload_files(s3, bucket, "1")
    _complete(s3, bucket, "1")
    s3.put_object(Bucket=bucket, Key=f"{MODEL}/7/variables/variables.index", Body=b"half-uploaded")

    with SyncScript(_script(bucket, models_dir), emulator.endpoint, aws_cli) as sync:
        sync.wait_for(lambda: _logged(sync, f"waiting for {COMPLETE_MARKER}: 7") or (live / "7").exists(),
                      "a pass that saw version 7 incomplete")
        assert (live / "1").is_dir(), sync.output()
        assert not (live / "7").exists(), "the partial version 7 reached the live folder:\n" + sync.output()


def test_a_changed_marker_republishes_the_version(aws_cli, emulator, s3, bucket, models_dir):
    live = models_dir / MODEL
    _upload_files(s3, bucket, "1")
    _complete(s3, bucket, "1", b"first upload")

    with SyncScript(_script(bucket, models_dir), emulator.endpoint, aws_cli) as sync:
        sync.wait_for(lambda: (live / "1" / "saved_model.pb").is_file(), "version 1 in place")
        s3.put_object(Bucket=bucket, Key=f"{MODEL}/1/saved_model.pb", Body=b"new graph")
        _complete(s3, bucket, "1", b"second upload")
        sync.wait_for(lambda: (live / "1" / "saved_model.pb").read_bytes() == b"new graph",
                      "version 1 published again with the changed file")


def test_listing_errors_are_retried_until_the_bucket_answers(aws_cli, emulator, s3, models_dir):
    bucket = "sync-created-late"
    live = models_dir / MODEL
    with SyncScript(_script(bucket, models_dir), emulator.endpoint, aws_cli) as sync:
        sync.wait_for_log("cannot list", timeout=30)
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        try:
            _upload_files(s3, bucket, "3")
            _complete(s3, bucket, "3")
            sync.wait_for(lambda: (live / "3" / "saved_model.pb").is_file(), "version 3 in place after the errors")
        finally:
            for item in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
                s3.delete_object(Bucket=bucket, Key=item["Key"])
            s3.delete_bucket(Bucket=bucket)


def test_the_script_stops_promptly_on_sigterm(aws_cli, emulator, bucket, models_dir):
    with SyncScript(_script(bucket, models_dir), emulator.endpoint, aws_cli) as sync:
        sync.wait_for_log("model-sync: ", timeout=30)
        assert sync.stop(timeout=5) == 0
    assert "stopping" in sync.output()


def _logged(sync: SyncScript, text: str) -> bool:
    """The script logs once, at the end of a pass, what it serves and which versions wait."""
    return any(text in line for line in sync.lines)
