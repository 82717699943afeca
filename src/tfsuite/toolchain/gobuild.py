"""Fetch a Go module from the module proxy and build a binary from it, atomically."""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tfsuite.toolchain.progress import StepFailed, run_logged, say


def go_binary() -> str:
    go = shutil.which("go")
    if not go:
        raise StepFailed(
            "no Go toolchain on PATH: the CLI or the AWS provider must be built from Go module sources "
            "here. Install Go >= 1.24 (e.g. from the Go module proxy's toolchain or your distribution), or "
            "provide terraform/tofu on PATH and registry access (see README, 'Toolchain')."
        )
    return go


def go_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("GOFLAGS", "-buildvcs=false")
    return env


def download_module(module: str, version: str, *, log: Path, expected_sum: str | None = None) -> Path:
    """`go mod download -json module@version`; return the unpacked (read-only) module folder."""
    cmd = [go_binary(), "mod", "download", "-json", f"{module}@{version}"]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=go_env())
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a") as fh:
        fh.write(f"\n$ {' '.join(cmd)}\n{proc.stdout}{proc.stderr}")
    try:
        info = json.loads(proc.stdout or "{}")
    except json.JSONDecodeError:
        info = {}
    if proc.returncode != 0 or info.get("Error") or not info.get("Dir"):
        error = info.get("Error") or proc.stderr.strip() or "no output"
        raise StepFailed(
            f"cannot fetch {module}@{version} from the Go module proxy ({go_env().get('GOPROXY') or 'default'}) "
            f"and it is not in the module cache: {error}\n"
            "What to do: check network access to the Go module proxy (or GOPROXY), or copy a warm GOMODCACHE "
            "from a machine that has it."
        )
    if expected_sum and info.get("Sum") != expected_sum:
        raise StepFailed(f"{module}@{version}: module hash {info.get('Sum')} != pinned {expected_sum}")
    return Path(info["Dir"])


@dataclass(frozen=True)
class BuildResult:
    binary: Path
    seconds: float
    peak_rss_mb: int


def build(src: Path, *, package: str, output: Path, ldflags: str, log: Path, label: str,
          jobs: int | None = None) -> BuildResult:
    """`go build` package in src into a temporary file next to output, then rename it into place."""
    jobs = jobs or _default_jobs()
    tmp = output.with_name(output.name + f".tmp-{os.getpid()}")
    output.parent.mkdir(parents=True, exist_ok=True)
    cmd = [go_binary(), "build", f"-p={jobs}", "-trimpath", "-buildvcs=false", "-ldflags", ldflags,
           "-o", str(tmp), package]
    say(f"{label}: go build -p={jobs} in {src} (log: {log})")
    try:
        seconds = run_logged(cmd, log=log, cwd=src, env=go_env(), label=label)
        tmp.chmod(0o755)
        os.replace(tmp, output)
    finally:
        tmp.unlink(missing_ok=True)
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return BuildResult(output, seconds, peak_kb // 1024)


def writable_copy(src: Path, dest: Path) -> Path:
    """Module-cache folders are read-only; some builds (replace directives) want a plain copy."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(src, dest, symlinks=True)
    for root, dirs, files in os.walk(dest):
        for name in dirs + files:
            path = Path(root, name)
            if not path.is_symlink():
                path.chmod(path.stat().st_mode | 0o200)
    return dest


def _default_jobs() -> int:
    explicit = os.environ.get("TFSUITE_GO_BUILD_JOBS")
    if explicit:
        if not explicit.isdigit() or int(explicit) < 1:
            raise StepFailed(f"TFSUITE_GO_BUILD_JOBS must be a positive integer, got {explicit!r}")
        return int(explicit)
    available_gb = _mem_available_gb()
    jobs = min(2, os.cpu_count() or 1)
    if available_gb is not None and available_gb < 8:
        say(f"only {available_gb:.1f} GB memory available: building with -p=1")
        jobs = 1
    return jobs


def _mem_available_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return None


def preflight(path: Path, *, need_gb: float, label: str) -> None:
    """Fail early, with the numbers, when disk or memory cannot hold the build, or when
    TFSUITE_NO_GO_BUILD=1 forbids building (air-gapped teams with a mirror; tests)."""
    if os.environ.get("TFSUITE_NO_GO_BUILD", "").strip() == "1":
        raise StepFailed(f"{label} from Go module sources would start here, but TFSUITE_NO_GO_BUILD=1 forbids it. "
                         "Point TFSUITE_PROVIDER_MIRROR at a mirror holding the pinned provider, or put "
                         "terraform/tofu on PATH (README: 'Air-gapped teams').")
    path.mkdir(parents=True, exist_ok=True)
    free_gb = shutil.disk_usage(path).free / 1024**3
    if free_gb < need_gb:
        raise StepFailed(f"{label}: {free_gb:.1f} GB free under {path}, the build needs about {need_gb:.0f} GB. "
                         "Free disk space or point TFSUITE_CACHE_DIR / GOCACHE / GOMODCACHE elsewhere.")
    mem = _mem_available_gb()
    if mem is not None and mem < 3:
        raise StepFailed(f"{label}: only {mem:.1f} GB memory available; the build needs at least 3 GB "
                         "(8+ GB recommended). Close other work or use a bigger machine.")
