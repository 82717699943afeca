"""Toolchain bootstrap acceptance: a temporary copy of terraform/ initialises offline, from the
provider mirror, with any network access made to fail."""

from __future__ import annotations

import re

import pytest

from tfsuite.runner import Workspace, unique_name_prefix

pytestmark = pytest.mark.gate

NO_NETWORK = {"HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9", "NO_PROXY": ""}


@pytest.fixture
def offline_workspace(toolchain, default_emulator):
    workspace = Workspace.create(toolchain, default_emulator, unique_name_prefix(lead="i"))
    workspace.tf.env.update(NO_NETWORK)
    yield workspace
    workspace.remove()


def test_init_succeeds_offline_against_the_provider_mirror(offline_workspace, toolchain):
    output = offline_workspace.init()
    lock = (offline_workspace.dir / ".terraform.lock.hcl").read_text()
    locked = re.search(r'provider "registry\.(?:terraform|opentofu)\.io/hashicorp/aws" \{'
                       r'\s*version\s*=\s*"([^"]+)"', lock)

    assert "successfully initialized" in output.lower()
    assert locked and locked.group(1) == toolchain.provider_version
