"""TFSUITE_PROVIDER_MIRROR for real: a mirror made from the provider binary this machine already has
(copied, never moved), an empty cache, and no Go build allowed; the bootstrap uses the mirror as it
is and a copy of terraform/ initialises from it with every network access made to fail."""

from __future__ import annotations

import re
import shutil
import time

import pytest

from tfsuite.runner import Workspace, unique_name_prefix
from tfsuite.testing import mirrors
from tfsuite.toolchain import bootstrap, gobuild, mirror, pins, provider

NO_NETWORK = {"HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9", "NO_PROXY": ""}


@pytest.fixture
def provider_binary(toolchain):
    """The unpacked provider the toolchain's own folder mirror holds (built or copied earlier)."""
    if toolchain.mirror_dir is None:
        pytest.skip("the provider comes from the registry or a network mirror here: no local provider "
                    "binary to make a mirror from")
    folder = toolchain.mirror_dir / mirror.host_for(toolchain.cli_kind) / "hashicorp" / "aws"
    found = sorted((folder / pins.PROVIDER_VERSION / provider._platform()).glob("terraform-provider-aws*"))
    found = [f for f in found if not f.name.endswith(".json")]
    if not found:
        pytest.skip(f"no unpacked provider binary under {folder} (the toolchain's mirror is packed)")
    return found[0]


@pytest.mark.parametrize("layout", [mirrors.unpacked, mirrors.packed])
def test_bootstrap_on_an_empty_cache_uses_the_mirror_and_init_installs_from_it(
        layout, provider_binary, toolchain, default_emulator, tmp_path, monkeypatch):
    before = provider_binary.stat()
    root = layout(tmp_path / "mirror", pins.PROVIDER_VERSION, provider._platform(), binary=provider_binary,
                  host=mirror.host_for(toolchain.cli_kind))
    monkeypatch.setenv(mirror.ENV, str(root))
    monkeypatch.setenv("TFSUITE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("TFSUITE_NO_GO_BUILD", "1")
    monkeypatch.setattr(gobuild, "build", lambda *a, **k: pytest.fail("a Go build was started"))

    started = time.monotonic()
    ours = bootstrap.run(cli_choice=str(toolchain.cli), provider_mode="auto", layers=["lint"],
                         state_dir=tmp_path / "state")
    seconds = time.monotonic() - started
    print(f"bootstrap from the {layout.__name__} mirror on an empty cache: {seconds:.1f}s")

    assert (ours.provider_source, ours.mirror_dir) == ("mirror", root.resolve())
    assert not (tmp_path / "cache" / "providers").exists(), "the bootstrap built or copied a provider"
    workspace = Workspace.create(ours, default_emulator, unique_name_prefix(lead="m"))
    workspace.tf.env.update(NO_NETWORK)
    try:
        output = workspace.init()
        lock = (workspace.dir / ".terraform.lock.hcl").read_text()
    finally:
        workspace.remove()
        for big in ("mirror", "cache"):  # two copies of a large binary: do not keep them in tmp
            shutil.rmtree(tmp_path / big, ignore_errors=True)
    locked = re.search(r'provider "registry\.(?:terraform|opentofu)\.(?:io|org)/hashicorp/aws" \{'
                       r'\s*version\s*=\s*"([^"]+)"', lock)
    assert "successfully initialized" in output.lower()
    assert locked and locked.group(1) == pins.PROVIDER_VERSION
    after = provider_binary.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino)
