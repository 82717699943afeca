"""TFSUITE_PROVIDER_MIRROR: a folder or an https network mirror is checked for the pinned version
and this machine's platform, then used as it is; what it lacks is named. Nothing here builds."""

from __future__ import annotations

import pytest

from tfsuite.testing import mirrors
from tfsuite.toolchain import cliconfig, gobuild, mirror, pins, provider
from tfsuite.toolchain.progress import StepFailed

PIN = pins.PROVIDER_VERSION
OTHER_VERSION = "0.0.1"
OTHER_PLATFORM = "windows_386"


@pytest.fixture(autouse=True)
def no_build(monkeypatch, tmp_path):
    """Any attempt to build from Go sources fails the test at once (and the cache is a temp dir)."""
    monkeypatch.setenv("TFSUITE_NO_GO_BUILD", "1")
    monkeypatch.setenv("TFSUITE_CACHE_DIR", str(tmp_path / "cache"))

    def refuse(*args, **kwargs):
        raise AssertionError("a Go build was started")

    monkeypatch.setattr(gobuild, "build", refuse)
    monkeypatch.setattr(gobuild, "download_module", refuse)


@pytest.fixture
def here() -> str:
    return provider._platform()


@pytest.mark.parametrize("layout", [mirrors.unpacked, mirrors.packed])
def test_a_folder_holding_the_pin_is_used_as_it_is(tmp_path, monkeypatch, here, layout):
    root = layout(tmp_path / "mirror", PIN, here)
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    monkeypatch.setenv(mirror.ENV, str(root))

    found = provider.ensure(tmp_path / "cache", "auto")

    assert (found.source, found.version, found.mirror_dir) == ("mirror", PIN, root.resolve())
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before, "the mirror was changed"
    assert not (tmp_path / "cache" / "providers").exists(), "something was built or copied into the cache"
    config = cliconfig.render(found.mirror_dir, tmp_path / "plugins")
    assert f'path    = "{root.resolve()}"' in config and "filesystem_mirror" in config


@pytest.mark.parametrize("layout", [mirrors.unpacked, mirrors.packed])
def test_a_folder_without_the_pinned_version_names_what_it_has(tmp_path, monkeypatch, here, layout):
    root = layout(tmp_path / "mirror", OTHER_VERSION, here)
    monkeypatch.setenv(mirror.ENV, str(root))
    with pytest.raises(StepFailed, match=rf"holds hashicorp/aws {OTHER_VERSION} .*not the pinned {PIN}"):
        provider.ensure(tmp_path / "cache", "auto")


@pytest.mark.parametrize("layout", [mirrors.unpacked, mirrors.packed])
def test_a_folder_without_this_platform_names_it(tmp_path, monkeypatch, here, layout):
    root = layout(tmp_path / "mirror", PIN, OTHER_PLATFORM)
    monkeypatch.setenv(mirror.ENV, str(root))
    with pytest.raises(StepFailed, match=rf"{PIN} for {OTHER_PLATFORM}, not for this machine \({here}\)"):
        provider.ensure(tmp_path / "cache", "auto")


def test_a_missing_folder_or_an_empty_one_says_how_to_make_one(tmp_path, monkeypatch):
    monkeypatch.setenv(mirror.ENV, str(tmp_path / "absent"))
    with pytest.raises(StepFailed, match=r"(?s)no such folder.*terraform providers mirror"):
        provider.ensure(tmp_path / "cache", "auto")
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv(mirror.ENV, str(tmp_path / "empty"))
    with pytest.raises(StepFailed, match="holds no hashicorp/aws under registry.terraform.io"):
        provider.ensure(tmp_path / "cache", "auto")


def test_opentofu_looks_under_its_own_registry_host(tmp_path, monkeypatch, here):
    root = mirrors.unpacked(tmp_path / "mirror", PIN, here)  # terraform's host only
    monkeypatch.setenv(mirror.ENV, str(root))
    with pytest.raises(StepFailed, match=f"no hashicorp/aws under {pins.PROVIDER_REGISTRY_HOSTS[1]}"):
        provider.ensure(tmp_path / "cache", "auto", cli_kind="tofu")
    mirrors.unpacked(root, PIN, here, host=pins.PROVIDER_REGISTRY_HOSTS[1])
    assert provider.ensure(tmp_path / "cache", "auto", cli_kind="tofu").mirror_dir == root.resolve()


def test_registry_mode_and_a_mirror_together_are_refused(tmp_path, monkeypatch, here):
    monkeypatch.setenv(mirror.ENV, str(mirrors.unpacked(tmp_path / "mirror", PIN, here)))
    with pytest.raises(StepFailed, match="TFSUITE_PROVIDER=registry and TFSUITE_PROVIDER_MIRROR"):
        provider.ensure(tmp_path / "cache", "registry")


def test_a_network_mirror_serving_the_pin_is_used_through_the_cli_config(tmp_path, monkeypatch, here):
    root = mirrors.packed(tmp_path / "served", PIN, here)
    with mirrors.https_folder(root, tmp_path) as (url, ca_file):
        monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))
        monkeypatch.setenv(mirror.ENV, url.rstrip("/"))
        found = provider.ensure(tmp_path / "cache", "auto")
    assert (found.source, found.mirror_dir, found.mirror_url) == ("network-mirror", None, url)
    config = cliconfig.render(None, tmp_path / "plugins", found.mirror_url)
    assert "network_mirror" in config and f'url     = "{url}"' in config and "filesystem_mirror" not in config


@pytest.mark.parametrize("version, platform, message", [
    (OTHER_VERSION, None, rf"holds hashicorp/aws {OTHER_VERSION} under .*not the pinned {PIN}"),
    (PIN, OTHER_PLATFORM, rf"{PIN} for {OTHER_PLATFORM}, not for this machine"),
])
def test_a_network_mirror_lacking_the_pin_names_what_it_serves(tmp_path, monkeypatch, here, version, platform,
                                                               message):
    root = mirrors.packed(tmp_path / "served", version, platform or here)
    with mirrors.https_folder(root, tmp_path) as (url, ca_file):
        monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))
        monkeypatch.setenv(mirror.ENV, url)
        with pytest.raises(StepFailed, match=message):
            provider.ensure(tmp_path / "cache", "auto")


def test_an_untrusted_certificate_is_an_error_not_a_fallback(tmp_path, monkeypatch, here):
    root = mirrors.packed(tmp_path / "served", PIN, here)
    with mirrors.https_folder(root, tmp_path) as (url, _):
        monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "no-such-ca.pem"))
        monkeypatch.setenv(mirror.ENV, url)
        with pytest.raises(StepFailed, match=f"cannot read {url}"):
            provider.ensure(tmp_path / "cache", "auto")


def test_a_plain_http_mirror_url_is_refused_before_any_request(tmp_path, monkeypatch):
    monkeypatch.setenv(mirror.ENV, "http://127.0.0.1:9/")
    with pytest.raises(StepFailed, match="must be an https:// URL"):
        provider.ensure(tmp_path / "cache", "auto")


def test_no_go_build_flag_stops_a_build_before_it_starts(tmp_path, monkeypatch):
    """With no mirror of its own and no registry, the cache mirror would be built: the flag stops it."""
    monkeypatch.delenv(mirror.ENV, raising=False)
    with pytest.raises(StepFailed, match="TFSUITE_NO_GO_BUILD=1 forbids it"):
        provider.ensure(tmp_path / "cache", "mirror")
