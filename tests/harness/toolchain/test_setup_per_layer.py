"""Each layer sets up only what it needs: on an empty cache the static layer's set-up asks for
checkov alone (never the CLI, never the provider), says so, and the make targets wire it that way."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from tfsuite import layers
from tfsuite.paths import REPO_ROOT
from tfsuite.testing import mirrors
from tfsuite.toolchain import bootstrap, checkov_env, cli, gobuild, mirror, needs, pins, provider
from tfsuite.toolchain.__main__ import main as toolchain_main
from tfsuite.toolchain.manifest import ToolchainMissing, load_toolchain


@pytest.fixture
def empty_cache(monkeypatch, tmp_path) -> Path:
    """An empty cache; any Go build, CLI resolution or provider set-up not stubbed here fails at once."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("TFSUITE_CACHE_DIR", str(cache))
    monkeypatch.setenv("TFSUITE_NO_GO_BUILD", "1")
    monkeypatch.delenv(mirror.ENV, raising=False)

    def refuse(what):
        def fail(*args, **kwargs):
            raise AssertionError(f"{what} was asked for")
        return fail

    monkeypatch.setattr(gobuild, "build", refuse("a Go build"))
    monkeypatch.setattr(gobuild, "download_module", refuse("a Go module download"))
    return cache


@pytest.fixture
def checkov_installs(monkeypatch) -> list[Path]:
    """checkov's pip install is not what these tests are about: record where it would go instead."""
    calls: list[Path] = []

    def install(cache: Path) -> Path:
        calls.append(cache)
        return cache / "venvs" / "checkov" / "bin" / "checkov"

    monkeypatch.setattr(checkov_env, "ensure", install)
    return calls


def test_every_layer_declares_what_it_needs():
    assert set(needs.LAYER_NEEDS) == set(layers.KNOWN_LAYERS)
    assert {c for wanted in needs.LAYER_NEEDS.values() for c in wanted} <= set(needs.COMPONENTS)


def test_the_static_layer_on_an_empty_cache_sets_up_checkov_only(empty_cache, checkov_installs, monkeypatch,
                                                                  tmp_path, capsys):
    monkeypatch.setattr(cli, "resolve", lambda *a, **k: pytest.fail("the CLI was asked for"))
    monkeypatch.setattr(provider, "ensure", lambda *a, **k: pytest.fail("the provider was asked for"))

    written = bootstrap.run(cli_choice="auto", provider_mode="auto", layers=["unit"], state_dir=tmp_path / "state")

    assert checkov_installs == [empty_cache]
    assert written.cli is None and written.provider_source is None and written.checkov is not None
    assert not (empty_cache / "providers").exists() and not (empty_cache / "cli").exists()
    err = capsys.readouterr().err
    assert "setting up checkov for unit" in err and "not needed by unit: cli, provider" in err


def test_a_checkov_only_manifest_is_refused_where_the_cli_is_needed(empty_cache, checkov_installs, tmp_path):
    bootstrap.run(cli_choice="auto", provider_mode="auto", layers=["unit"], state_dir=tmp_path / "state")
    manifest = tmp_path / "state" / "toolchain.json"
    assert load_toolchain(manifest, need_cli=False).checkov is not None
    with pytest.raises(ToolchainMissing, match="need no Terraform CLI: run `make bootstrap`"):
        load_toolchain(manifest)


@pytest.mark.parametrize("layer", [name for name, wanted in needs.LAYER_NEEDS.items() if not wanted])
def test_layers_that_need_nothing_set_up_nothing(empty_cache, checkov_installs, tmp_path, layer):
    assert bootstrap.run(cli_choice="auto", provider_mode="auto", layers=[layer], state_dir=tmp_path) is None
    assert checkov_installs == [] and not empty_cache.exists()


def test_a_later_layer_adds_the_cli_and_provider_and_keeps_checkov(empty_cache, checkov_installs, monkeypatch,
                                                                   tmp_path):
    on_path = shutil.which("terraform") or shutil.which("tofu")
    if not on_path:
        pytest.skip("no terraform or tofu on PATH (this test must not fetch or build a CLI)")
    here = provider._platform()
    root = mirrors.unpacked(tmp_path / "mirror", pins.PROVIDER_VERSION, here)
    mirrors.unpacked(root, pins.PROVIDER_VERSION, here, host=pins.PROVIDER_REGISTRY_HOSTS[1])
    monkeypatch.setenv(mirror.ENV, str(root))
    state = tmp_path / "state"

    bootstrap.run(cli_choice="auto", provider_mode="auto", layers=["unit"], state_dir=state)
    both = bootstrap.run(cli_choice="auto", provider_mode="auto", layers=["lint"], state_dir=state)

    assert len(checkov_installs) == 1, "lint does not need checkov"
    assert both.checkov is not None and both.cli is not None
    assert (both.provider_source, both.mirror_dir) == ("mirror", root.resolve())
    assert f'path    = "{root.resolve()}"' in both.cli_config_file.read_text()
    assert load_toolchain(state / "toolchain.json") == both


def test_an_unknown_layer_is_a_clear_error(capsys):
    assert toolchain_main(["bootstrap", "--for", "unitt"]) == 1
    assert "--for unitt: unknown layer" in capsys.readouterr().err


def _make_dry_run(target: str) -> str:
    make = shutil.which("make")
    if not make:
        pytest.skip("no make on PATH")
    return subprocess.run([make, "-n", target], cwd=REPO_ROOT, capture_output=True,
                          text=True, check=True).stdout


def _layers_run(commands: str) -> list[str]:
    """The layers the recipe's `python -m tfsuite.layers` runs (its positional arguments)."""
    (line,) = [x for x in commands.replace("\\\n", " ").splitlines() if "-m tfsuite.layers" in x]
    words = shlex.split(line)
    args, run = words[words.index("tfsuite.layers") + 1:], []
    while args:
        word = args.pop(0)
        if word.startswith("--"):
            args.pop(0)
        else:
            run.append(word)
    return run


@pytest.mark.parametrize("layer", layers.KNOWN_LAYERS)
def test_each_make_target_sets_up_for_its_own_layers_only(layer):
    commands = _make_dry_run(layer)
    setups = re.findall(r"tfsuite\.toolchain bootstrap(.*)", commands)
    run = _layers_run(commands)
    assert layer in run and setups == [f" --for {' '.join(run)}"], commands


def test_make_test_sets_up_for_the_layers_it_runs():
    commands = _make_dry_run("test").replace("\\\n", " ")
    (setup,) = re.findall(r"tfsuite\.toolchain bootstrap --for (.*)", commands)
    run = re.search(r"tfsuite\.layers .*--require \S+ (.*)", commands)
    assert run and setup.split() == run.group(1).split()
