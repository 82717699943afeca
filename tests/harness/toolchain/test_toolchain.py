"""The bootstrap's decisions and its errors, without building anything."""

import json
import os
import urllib.request
from pathlib import Path

import pytest
import yaml

from tfsuite.paths import REPO_ROOT, TERRAFORM_DIR
from tfsuite.toolchain import cli, cliconfig, gobuild, pins, provider
from tfsuite.toolchain.manifest import Toolchain, ToolchainMissing, load_toolchain
from tfsuite.toolchain.progress import StepFailed, run_logged


@pytest.mark.parametrize("value, expected", [("", "auto"), ("auto", "auto"), ("tofu", "tofu"),
                                             ("terraform", "terraform")])
def test_cli_choice_accepts_the_documented_values(value, expected):
    assert cli.parse_choice(value) == expected


@pytest.mark.parametrize("value, message", [("terrafrom", "is not understood"),
                                            ("/no/such/terraform", "no executable file there")])
def test_cli_choice_rejects_anything_else_with_a_clear_message(value, message):
    with pytest.raises(StepFailed, match=message):
        cli.parse_choice(value)


def dotted(version: tuple[int, ...]) -> str:
    return ".".join(str(part) for part in version)


LOWEST, BELOW = pins.SUPPORTED_CLI_MIN, pins.SUPPORTED_CLI_BELOW
JUST_BELOW_LOWEST = (LOWEST[0], LOWEST[1] - 1, 99) if LOWEST[1] else (LOWEST[0] - 1, 99, 99)


@pytest.mark.parametrize("version, ok", [
    (dotted(JUST_BELOW_LOWEST), False), (dotted(LOWEST), True), (pins.TERRAFORM_RELEASE, True),
    (pins.OPENTOFU_VERSION.removeprefix("v"), True), (dotted(BELOW), False), ("garbage", False)])
def test_supported_cli_versions_follow_the_pins(version, ok):
    assert cli.supported(version) is ok


def test_the_supported_range_is_terraforms_required_version():
    from tfsuite.static.hcl import parse_file
    from tfsuite.static.versions import allows

    (settings,) = parse_file(TERRAFORM_DIR / "versions.tf")["terraform"]
    required = settings["required_version"]
    assert allows(required, dotted(LOWEST)) and not allows(required, dotted(JUST_BELOW_LOWEST))
    assert allows(required, dotted((BELOW[0], BELOW[1], BELOW[2] - 1) if BELOW[2] else (BELOW[0] - 1, 99, 99)))
    assert not allows(required, dotted(BELOW))


def test_every_workflow_installs_the_pinned_terraform_release():
    found = {}
    for workflow in sorted((REPO_ROOT / ".github" / "workflows").glob("*.yml")):
        for job in yaml.safe_load(workflow.read_text())["jobs"].values():
            for step in job.get("steps", []):
                if str(step.get("uses", "")).startswith("hashicorp/setup-terraform"):
                    found[f"{workflow.name}: {job.get('name', '')}"] = str(step["with"]["terraform_version"])
    assert found, "no workflow step installs Terraform"
    assert set(found.values()) == {pins.TERRAFORM_RELEASE}, found


def test_forcing_terraform_without_path_or_release_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))

    def unreachable(*args, **kwargs):
        raise OSError("name resolution failed")

    monkeypatch.setattr(urllib.request, "urlopen", unreachable)
    with pytest.raises(StepFailed, match="TF_CLI=terraform but no terraform on PATH"):
        cli.resolve("terraform", tmp_path)


def test_cli_config_routes_only_hashicorp_aws_to_the_mirror(tmp_path):
    text = cliconfig.render(tmp_path / "mirror", tmp_path / "cache")
    for host in pins.PROVIDER_REGISTRY_HOSTS:
        assert f'"{host}/hashicorp/aws"' in text
    assert "filesystem_mirror" in text and "direct" in text and str(tmp_path / "mirror") in text


def test_cli_config_without_mirror_uses_the_registry(tmp_path):
    assert "provider_installation" not in cliconfig.render(None, tmp_path / "cache")


def test_cli_config_is_written_outside_the_users_terraformrc(tmp_path):
    path = cliconfig.write(tmp_path / "state" / "cli.tfrc", None, tmp_path / "cache")
    assert path == tmp_path / "state" / "cli.tfrc" and path.read_text() == cliconfig.render(None, tmp_path / "cache")
    assert (tmp_path / "cache").is_dir()


def test_manifest_round_trip_and_missing_manifest(tmp_path):
    tc = Toolchain(cli=Path("/bin/true"), cli_kind="terraform", cli_version=pins.TERRAFORM_RELEASE, cli_source="path",
                   cli_config_file=tmp_path / "cli.tfrc", provider_version=pins.PROVIDER_VERSION,
                   provider_source="mirror", mirror_dir=tmp_path / "m", checkov=None)
    assert Toolchain.from_json(tc.to_json()) == tc
    with pytest.raises(ToolchainMissing, match="run `make bootstrap`"):
        load_toolchain(tmp_path / "absent.json")
    manifest = tmp_path / "toolchain.json"
    manifest.write_text(tc.to_json())
    with pytest.raises(ToolchainMissing, match="CLI config .* is gone"):
        load_toolchain(manifest)


def test_toolchain_env_points_the_cli_at_our_config(tmp_path):
    tc = Toolchain(cli=Path("/bin/true"), cli_kind="tofu", cli_version=pins.OPENTOFU_VERSION.removeprefix("v"),
                   cli_source="built",
                   cli_config_file=tmp_path / "cli.tfrc", provider_version=pins.PROVIDER_VERSION,
                   provider_source="mirror", mirror_dir=None, checkov=None)
    env = tc.env({"TF_CLI_CONFIG_FILE": "/root/.terraformrc"})
    assert env["TF_CLI_CONFIG_FILE"] == str(tmp_path / "cli.tfrc")
    assert env["TF_IN_AUTOMATION"] == "1"


def _fake_built_provider(mirror: Path) -> Path:
    binary = provider.mirror_binary(mirror, pins.PROVIDER_REGISTRY_HOSTS[0])
    binary.parent.mkdir(parents=True)
    binary.write_bytes(b"\x7fELF provider")
    st = binary.stat()
    binary.with_name(binary.name + ".stamp.json").write_text(json.dumps(
        {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "commit": pins.PROVIDER_COMMIT}))
    return binary


def test_a_stamped_mirror_is_trusted_and_linked_for_opentofu(tmp_path):
    binary = _fake_built_provider(tmp_path / "providers" / "mirror")
    result = provider.ensure_mirror(tmp_path)
    assert result.source == "mirror" and result.version == pins.PROVIDER_VERSION
    tofu_copy = provider.mirror_binary(result.mirror_dir, "registry.opentofu.org")
    assert tofu_copy.stat().st_ino == binary.stat().st_ino


def test_a_half_written_provider_is_not_trusted(tmp_path):
    binary = _fake_built_provider(tmp_path)
    assert provider._trusted(binary)
    binary.write_bytes(b"\x7fELF trunc")  # same size would still differ in mtime
    assert not provider._trusted(binary)
    binary.with_name(binary.name + ".stamp.json").unlink()
    assert not provider._trusted(binary)


def test_provider_mode_is_checked():
    with pytest.raises(StepFailed, match="TFSUITE_PROVIDER='mirrors'"):
        provider.ensure(Path("/nonexistent"), "mirrors")


def test_no_go_toolchain_is_named(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(StepFailed, match="no Go toolchain on PATH"):
        gobuild.go_binary()


def test_unreachable_module_without_cache_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("GOPROXY", "off")
    monkeypatch.setenv("GOFLAGS", "-mod=mod")
    monkeypatch.setenv("GOMODCACHE", str(tmp_path / "modcache"))
    with pytest.raises(StepFailed, match="not in the module cache"):
        gobuild.download_module("example.com/not/cached", "v1.0.0", log=tmp_path / "log")


@pytest.mark.parametrize("value", ["0", "two", "-1"])
def test_build_jobs_must_be_a_positive_integer(monkeypatch, value):
    monkeypatch.setenv("TFSUITE_GO_BUILD_JOBS", value)
    with pytest.raises(StepFailed, match="TFSUITE_GO_BUILD_JOBS must be a positive integer"):
        gobuild._default_jobs()


def test_not_enough_disk_fails_before_building(tmp_path):
    with pytest.raises(StepFailed, match="GB free under"):
        gobuild.preflight(tmp_path, need_gb=10**6, label="test build")


def test_a_failed_step_shows_the_log_tail(tmp_path):
    with pytest.raises(StepFailed, match=r"(?s)demo failed \(exit 3\).*boom"):
        run_logged(["sh", "-c", "echo boom; exit 3"], log=tmp_path / "step.log", label="demo")
    assert "boom" in (tmp_path / "step.log").read_text()


def test_bootstrap_cli_reports_errors_without_a_traceback(capsys, monkeypatch):
    from tfsuite.toolchain.__main__ import main

    monkeypatch.setenv("TFSUITE_CACHE_DIR", os.devnull + ".d")  # never reached: the choice fails first
    assert main(["bootstrap", "--cli", "terraformm"]) == 1
    assert "ERROR: TF_CLI='terraformm' is not understood" in capsys.readouterr().err
