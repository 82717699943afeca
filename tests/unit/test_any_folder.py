"""The policy gate on folders that are not this project's terraform/: third-party-shaped
configurations are rejected with every planted defect named by its address, module sources
resolve as they do in place, and renaming every resource changes no verdict."""

import json
import re
import subprocess

import pytest

from tfsuite.paths import TERRAFORM_DIR
from tfsuite.policy import NO_LEDGER, ScanResult, ScanTarget, evaluate, find_checkov, review_folder, run_checkov
from tfsuite.policy.checkov_cli import clean_env
from tfsuite.policy.modules import resolve_modules, stage_folder
from tfsuite.testing.foreign import load_foreign, original_address
from tfsuite.testing.static_layer import UNIT_FIXTURES

FOREIGN = load_foreign(UNIT_FIXTURES / "thirdparty")
MODULE_LAYOUT = next(f for f in FOREIGN if f.name == "module-layout")


@pytest.mark.slow
@pytest.mark.parametrize("config", FOREIGN, ids=[f.name for f in FOREIGN])
def test_third_party_configuration_is_rejected_with_each_defect_named(layer_run, config):
    report = review_folder(layer_run.thorough_results[config.target], NO_LEDGER)
    assert not report.ok, f"{config.description}: the gate passed\n{report.summary()}"
    named = {f"{o.check_id} {o.resource}" for o in report.unsuppressed}
    assert sorted(set(config.defects) - named) == [], f"{config.description}\n{report.summary()}"


@pytest.mark.slow
def test_relative_module_sources_are_scanned(layer_run):
    scan = layer_run.thorough_results[MODULE_LAYOUT.target]
    assert scan.modules == ["module.alb", "module.service"]
    assert {r.split(".")[1] for r in scan.resources if r.startswith("module.")} == {"alb", "service"}
    assert not scan.module_problems


def _tree(folder):
    return sorted((p.relative_to(folder).as_posix(), p.stat().st_mtime_ns) for p in folder.rglob("*"))


@pytest.mark.slow
def test_gate_evaluates_at_least_what_bare_checkov_evaluates(layer_run, tmp_path):
    """Bare `checkov -d` in place on the module-based root, against the gate's staged scan."""
    root = MODULE_LAYOUT.root.parent.parent
    before = _tree(root)
    subprocess.run([str(find_checkov()), "-d", str(MODULE_LAYOUT.root), "--framework", "terraform",
                    "--skip-download", "--compact", "-o", "json", "--output-file-path", str(tmp_path)],
                   cwd=tmp_path, env=clean_env(), capture_output=True, check=False, timeout=300)
    data = json.loads((tmp_path / "results_json.json").read_text())
    results = (data[0] if isinstance(data, list) else data)["results"]
    bare = {c["resource"] for key in ("passed_checks", "failed_checks", "skipped_checks")
            for c in results.get(key) or []}
    gate = layer_run.thorough_results[MODULE_LAYOUT.target].resources
    assert len(bare) > 4, "bare checkov did not reach the modules either: the comparison proves nothing"
    assert len(gate) >= len(bare) and bare <= gate, sorted(bare - gate)
    assert _tree(root) == before


def test_unresolvable_modules_are_problems(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    (root / "main.tf").write_text('module "gone" {\n  source = "../nowhere"\n}\n\n'
                                  'module "vpc" {\n  source  = "terraform-aws-modules/vpc/aws"\n'
                                  '  version = "5.0.0"\n}\n')
    resolved, problems, _ = resolve_modules(root)
    assert resolved == {}
    assert any("module.gone" in p and "../nowhere" in p for p in problems), problems
    assert any("module.vpc" in p and "terraform init" in p for p in problems), problems
    scan = ScanResult(ScanTarget("root", root), module_problems=problems)
    report = evaluate(scan, NO_LEDGER)
    assert not report.ok and all(any(p in q for q in report.problems) for p in problems)


def test_downloaded_and_relative_modules_are_staged_without_touching_the_folder(tmp_path):
    repo = tmp_path / "repo"
    (repo / "modules" / "svc").mkdir(parents=True)
    (repo / "modules" / "svc" / "main.tf").write_text('resource "aws_sqs_queue" "q" {}\n')
    root = repo / "examples" / "one"
    (root / ".terraform" / "modules" / "vpc").mkdir(parents=True)
    (root / ".terraform" / "modules" / "vpc" / "main.tf").write_text('resource "aws_vpc" "v" {}\n')
    (root / ".terraform" / "modules" / "modules.json").write_text(json.dumps(
        {"Modules": [{"Key": "", "Source": "", "Dir": "."},
                     {"Key": "vpc", "Source": "registry.terraform.io/x/vpc/aws", "Dir": ".terraform/modules/vpc"}]}))
    (root / "main.tf").write_text('module "svc" {\n  source = "../../modules/svc"\n}\n\n'
                                  'module "vpc" {\n  source = "x/vpc/aws"\n}\n')
    before = _tree(repo)
    staged = stage_folder(root, tmp_path / "stage" / "t")
    assert staged.modules == ["module.svc", "module.vpc"] and staged.problems == []
    assert (staged.staged / "../../modules/svc/main.tf").resolve().is_file()
    assert (staged.staged / ".terraform/modules/modules.json").is_file()
    assert _tree(repo) == before


@pytest.mark.slow
def test_renaming_every_resource_changes_no_verdict(layer_run):
    original = layer_run.thorough_results  # runs the renamed copy beside the broken ones
    renamed = original["renamed"]
    assert len(layer_run.renamed) > 30
    ours = {(o.check_id, o.resource, o.result) for o in layer_run.policy_results["terraform"].outcomes}
    policy_verdicts = {(o.check_id, original_address(o.resource, layer_run.renamed), o.result)
                       for o in renamed.outcomes}
    assert policy_verdicts == ours, (f"only on terraform/: {sorted(ours - policy_verdicts)[:10]}\n"
                                     f"only on the renamed copy: {sorted(policy_verdicts - ours)[:10]}")


@pytest.mark.slow
def test_project_ledger_is_not_stale_on_another_folder(layer_run, ledger):
    config = FOREIGN[0]
    report = review_folder(layer_run.thorough_results[config.target], ledger)
    assert not any("suppresses nothing" in p for p in report.problems), report.summary()
    assert TERRAFORM_DIR.resolve() != config.root


@pytest.mark.slow
def test_checkov_still_joins_equal_addresses_across_folders_of_one_run(tmp_path):
    """Canary for test_no_fixture_shares_an_address_with_terraform: in one run over several folders,
    checkov 3.3.30's connection checks join resources by address across folders. A lone
    aws_eip.nat elsewhere fails CKV2_AWS_19 on terraform/'s aws_eip.nat[0], which passes when
    scanned alone. When this test fails, checkov keeps folders apart and the rule can go."""
    lone = tmp_path / "lone"
    lone.mkdir()
    (lone / "main.tf").write_text('resource "aws_eip" "nat" {\n  domain = "vpc"\n}\n')
    together = run_checkov([ScanTarget("terraform", TERRAFORM_DIR), ScanTarget("lone", lone)])["terraform"]
    alone = run_checkov([ScanTarget("terraform", TERRAFORM_DIR)])["terraform"]
    verdict = {(o.check_id, o.resource): o.result for o in together.outcomes}
    assert {(o.check_id, o.resource): o.result for o in alone.outcomes}[("CKV2_AWS_19", "aws_eip.nat[0]")] == "PASSED"
    assert verdict[("CKV2_AWS_19", "aws_eip.nat[0]")] == "FAILED"


_DECLARED = re.compile(r'^\s*(?:resource|data)\s+"([^"]+)"\s+"([^"]+)"', re.M)
_NAMED = re.compile(r"\b(aws_[a-z0-9_]+)\.([A-Za-z_][A-Za-z0-9_-]*)\b")


def test_no_fixture_shares_an_address_with_terraform(layer_run):
    """terraform/ shares its checkov run with the fixtures (one start-up, inside the layer's time
    budget); checkov joins equal addresses across the folders of a run (see the canary above), so
    a fixture that declares or names one of terraform/'s addresses could change its verdict."""
    ours = {m for f in TERRAFORM_DIR.rglob("*.tf") for m in _DECLARED.findall(f.read_text(encoding="utf-8"))}
    shared = {}
    folders = [t.path for t in layer_run.targets()[1:]]  # the fixtures of terraform/'s checkov run
    folders.append(UNIT_FIXTURES / "thirdparty")  # beside terraform/'s broken copies in the thorough run
    for folder in folders:
        for path in ([folder] if folder.is_file() else sorted(folder.rglob("*.tf"))):
            text = path.read_text(encoding="utf-8")
            hits = (set(_DECLARED.findall(text)) | set(_NAMED.findall(text))) & ours
            if hits and path.suffix == ".tf":
                shared[str(path)] = sorted(".".join(h) for h in hits)
    assert shared == {}
