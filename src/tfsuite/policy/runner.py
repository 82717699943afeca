"""Run checkov once over many targets and split its findings per target.

checkov's start-up costs seconds, so a session stages every folder it wants scanned (the real
configuration, broken-configuration copies, check fixtures, plan JSON files) as subfolders of one
temporary root and runs a single `checkov -d <root>`. Several `-d` options would be simpler, but
checkov 3.3 then attributes every finding to the first folder.

Fails closed: a crash, a custom check that does not load, or missing output raises CheckovError.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from tfsuite.copies import copy_folder
from tfsuite.paths import POLICIES_DIR
from tfsuite.policy.checkov_cli import clean_env, find_checkov

CHECKS_DIR = POLICIES_DIR / "checks"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class CheckovError(RuntimeError):
    """checkov crashed, timed out, failed to load a custom check or wrote no results."""


@dataclass(frozen=True)
class ScanTarget:
    """A folder of .tf files, or one plan JSON file (`terraform show -json`)."""

    name: str
    path: Path

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not _NAME.match(self.name):
            raise ValueError(f"scan target name {self.name!r}: use letters, digits, '.', '_' or '-'")
        path = Path(self.path)
        if not path.exists():
            raise FileNotFoundError(f"scan target {self.name}: {path} does not exist")
        if path.is_file() and path.suffix != ".json":
            raise ValueError(f"scan target {self.name}: {path} is a file but not a plan .json")
        object.__setattr__(self, "path", path)

    @property
    def kind(self) -> str:
        return "plan" if self.path.is_file() else "hcl"


@dataclass(frozen=True)
class CheckOutcome:
    """One check on one resource, as checkov reported it."""

    check_id: str
    name: str
    resource: str
    file: str  # relative to the target folder (or the plan file name)
    lines: tuple[int, int]
    result: str  # PASSED, FAILED or SKIPPED
    details: tuple[str, ...] = ()
    suppress_comment: str = ""
    guideline: str = ""

    def __str__(self) -> str:
        extra = f" ({'; '.join(self.details)})" if self.details else ""
        return f"{self.check_id} {self.resource} [{self.file}:{self.lines[0]}]: {self.name}{extra}"


@dataclass
class ScanResult:
    target: ScanTarget
    outcomes: list[CheckOutcome] = field(default_factory=list)
    parsing_errors: list[str] = field(default_factory=list)
    checkov_version: str = ""

    def with_result(self, result: str) -> list[CheckOutcome]:
        return [o for o in self.outcomes if o.result == result]

    @property
    def failed(self) -> list[CheckOutcome]:
        return self.with_result("FAILED")

    @property
    def skipped(self) -> list[CheckOutcome]:
        return self.with_result("SKIPPED")

    @property
    def passed(self) -> list[CheckOutcome]:
        return self.with_result("PASSED")

    @property
    def resources(self) -> set[str]:
        return {o.resource for o in self.outcomes}

    def check_ids(self) -> set[str]:
        return {o.check_id for o in self.outcomes}

    def failed_ids(self, resource: str | None = None) -> set[str]:
        return {o.check_id for o in self.failed if resource is None or o.resource == resource}


def _outcome(raw: dict, target_root: Path, result: str) -> CheckOutcome:
    abs_path = Path(raw.get("file_abs_path") or "")
    try:
        rel = abs_path.relative_to(target_root).as_posix()
    except ValueError:
        rel = abs_path.name
    check_result = raw.get("check_result") or {}
    lines = raw.get("file_line_range") or [0, 0]
    return CheckOutcome(
        check_id=raw["check_id"],
        name=raw.get("check_name") or "",
        resource=raw.get("resource") or "",
        file=rel,
        lines=(int(lines[0]), int(lines[-1])),
        result=result,
        details=tuple(str(d) for d in raw.get("details") or ()),
        suppress_comment=str(check_result.get("suppress_comment") or ""),
        guideline=str(raw.get("guideline") or ""),
    )


class CheckovBatch:
    """One checkov run over several targets: start() returns at once, wait() collects."""

    def __init__(self, targets: list[ScanTarget], *, checks_dir: Path = CHECKS_DIR,
                 checkov: Path | None = None, timeout: float = 600) -> None:
        if not targets:
            raise ValueError("CheckovBatch needs at least one scan target")
        names = [t.name for t in targets]
        if len(set(names)) != len(names):
            raise ValueError(f"scan target names must be unique: {sorted(names)}")
        if not (Path(checks_dir) / "__init__.py").is_file():
            raise FileNotFoundError(f"{checks_dir} is not a checks folder (checkov needs its __init__.py)")
        self.targets = {t.name: t for t in targets}
        self.checks_dir = Path(checks_dir)
        self.checkov = checkov or find_checkov()
        self.timeout = timeout
        self._tmp: Path | None = None
        self._proc: subprocess.Popen | None = None
        self._started = 0.0
        self.seconds = 0.0

    @property
    def frameworks(self) -> list[str]:
        kinds = {t.kind for t in self.targets.values()}
        return [f for f, k in (("terraform", "hcl"), ("terraform_plan", "plan")) if k in kinds]

    def _stage(self) -> Path:
        self._tmp = Path(tempfile.mkdtemp(prefix="tfsuite-checkov-")).resolve()
        root = self._tmp / "scan"
        root.mkdir()
        for target in self.targets.values():
            dest = root / target.name
            if target.kind == "plan":
                dest.mkdir()
                shutil.copy2(target.path, dest / target.path.name)
            else:
                copy_folder(target.path, dest)
        return root

    def command(self, root: Path, out_dir: Path) -> list[str]:
        return [str(self.checkov), "--directory", str(root), "--framework", *self.frameworks,
                "--external-checks-dir", str(self.checks_dir), "--skip-download", "--compact",
                "--output", "json", "--output-file-path", str(out_dir)]

    def start(self) -> CheckovBatch:
        if self._proc is not None:
            raise RuntimeError("this checkov batch was already started")
        root = self._stage()
        out_dir = self._tmp / "out"
        self._started = time.monotonic()
        self._proc = subprocess.Popen(self.command(root, out_dir), cwd=self._tmp, env=clean_env(),
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        return self

    def cancel(self) -> None:
        """Stop a started run that turned out not to be needed."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.communicate()
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)

    def wait(self) -> dict[str, ScanResult]:
        if self._proc is None:
            self.start()
        assert self._proc is not None and self._tmp is not None
        try:
            try:
                _, stderr = self._proc.communicate(timeout=self.timeout)
            except subprocess.TimeoutExpired as exc:
                self._proc.kill()
                self._proc.communicate()
                raise CheckovError(f"checkov did not finish within {self.timeout:.0f} s") from exc
            self.seconds = time.monotonic() - self._started
            return self._collect(self._proc.returncode, stderr or "")
        finally:
            shutil.rmtree(self._tmp, ignore_errors=True)

    def _collect(self, returncode: int, stderr: str) -> dict[str, ScanResult]:
        tail = "\n".join(stderr.strip().splitlines()[-15:])
        if returncode not in (0, 1):
            raise CheckovError(f"checkov exited with {returncode} (a crash, not a verdict):\n{tail}")
        broken = re.findall(r"Cannot load external check '([^']+)'", stderr)
        if broken:
            raise CheckovError(f"checkov could not load the custom check(s) {broken} from "
                               f"{self.checks_dir}:\n{tail}")
        out_file = self._tmp / "out" / "results_json.json"
        if not out_file.is_file():
            raise CheckovError(f"checkov wrote no results ({out_file} is missing):\n{tail}")
        try:
            reports = json.loads(out_file.read_text())
        except ValueError as exc:
            raise CheckovError(f"checkov's JSON results cannot be read: {exc}") from exc
        return self._split(reports if isinstance(reports, list) else [reports])

    def _split(self, reports: list[dict]) -> dict[str, ScanResult]:
        root = self._tmp / "scan"
        results = {name: ScanResult(target) for name, target in self.targets.items()}

        def owner(abs_path: str) -> str | None:
            try:
                return Path(abs_path).resolve().relative_to(root).parts[0]
            except (ValueError, IndexError):
                return None

        for report in reports:
            version = (report.get("summary") or {}).get("checkov_version", "")
            body = report.get("results") or {}  # a scan that found nothing has no "results"
            for key, result in (("passed_checks", "PASSED"), ("failed_checks", "FAILED"),
                                ("skipped_checks", "SKIPPED")):
                for raw in body.get(key) or []:
                    name = owner(raw.get("file_abs_path") or "")
                    if name not in results:
                        raise CheckovError(f"checkov reported a file outside the staged targets: "
                                           f"{raw.get('file_abs_path')}")
                    results[name].outcomes.append(_outcome(raw, root / name, result))
            for path in body.get("parsing_errors") or []:
                name = owner(path)
                if name in results:
                    results[name].parsing_errors.append(Path(path).name)
                else:
                    raise CheckovError(f"checkov could not parse {path}")
            for scan in results.values():
                scan.checkov_version = scan.checkov_version or version
        return results


def run_checkov(targets: list[ScanTarget], **options) -> dict[str, ScanResult]:
    return CheckovBatch(targets, **options).start().wait()
