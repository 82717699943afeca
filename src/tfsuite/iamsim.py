"""IAM evaluation of identity policies for exact requests (action, resource ARN, condition keys such
as s3:prefix), with @cloud-copilot/iam-simulate: it evaluates conditions, which moto's IAM
enforcement does not (it feeds no s3:prefix to them; see FIELD-NOTES §3).

The npm package is pinned in requirements/npm/package-lock.json and installed with `npm ci` on
first use into the cache (one folder per lock-file digest); `node` runs one evaluation per call.

    decisions = evaluate([policy_document], [Request("s3:ListBucket", "arn:aws:s3:::b", {"s3:prefix": "m/"})])
    decisions[0].allowed  # True / False, with .result ("Allowed", "ImplicitlyDenied", ...)
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tfsuite.paths import REPO_ROOT, cache_dir

NPM_DIR = REPO_ROOT / "requirements" / "npm"
PACKAGE = "@cloud-copilot/iam-simulate"
PRINCIPAL = "arn:aws:sts::123456789012:assumed-role/tfsuite-task/simulation"

# The evaluation script, kept as plain JS (ES module): reads {policies, requests} on stdin.
_SCRIPT = r"""
import { readFileSync } from 'node:fs';
import { runSimulation } from '@cloud-copilot/iam-simulate';
const input = JSON.parse(readFileSync(0, 'utf8'));
const out = [];
for (const request of input.requests) {
  const result = await runSimulation({
    request: { principal: input.principal, action: request.action,
               resource: { resource: request.resource, accountId: input.accountId },
               contextVariables: request.context },
    identityPolicies: input.policies.map((policy, i) => ({ name: `policy-${i}`, policy })),
    serviceControlPolicies: [], resourceControlPolicies: [] }, {});
  out.push(result.errors ? { error: JSON.stringify(result.errors) } : { result: result.overallResult });
}
process.stdout.write(JSON.stringify(out));
"""


class SimulatorUnavailable(RuntimeError):
    """node/npm is missing or the pinned package cannot be installed: the message says which."""


@dataclass(frozen=True)
class Request:
    action: str
    resource: str
    context: Mapping[str, str] = field(default_factory=dict)
    why: str = ""  # which call of which client makes it

    def describe(self) -> str:
        context = ", ".join(f"{k}={v!r}" for k, v in self.context.items())
        return f"{self.action} on {self.resource}" + (f" ({context})" if context else "") + \
            (f" [{self.why}]" if self.why else "")


@dataclass(frozen=True)
class Decision:
    request: Request
    result: str

    @property
    def allowed(self) -> bool:
        return self.result == "Allowed"


def install_dir() -> Path:
    """The installed package's folder, installing it with `npm ci` first if needed."""
    lock = (NPM_DIR / "package-lock.json").read_bytes()
    target = cache_dir() / "npm" / f"iam-simulate-{hashlib.sha256(lock).hexdigest()[:12]}"
    if (target / "node_modules" / PACKAGE / "package.json").is_file():
        return target
    npm = shutil.which("npm")
    if not npm or not shutil.which("node"):
        raise SimulatorUnavailable("IAM evaluation needs node and npm on PATH (Debian: apt-get install nodejs npm)")
    staging = target.with_name(target.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copy2(NPM_DIR / name, staging / name)
    done = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"], cwd=staging,
                          capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise SimulatorUnavailable(f"npm ci of {PACKAGE} failed in {staging}:\n{done.stderr[-2000:]}")
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return target


def evaluate(policies: Sequence[Mapping], requests: Sequence[Request], account_id: str = "123456789012",
             principal: str = PRINCIPAL) -> list[Decision]:
    """The decision of the identity policies for each request (same account, no SCPs/RCPs)."""
    folder = install_dir()
    script = folder / "evaluate.mjs"
    if not script.is_file() or script.read_text() != _SCRIPT:
        script.write_text(_SCRIPT)
    payload = {"principal": principal, "accountId": account_id, "policies": list(policies),
               "requests": [{"action": r.action, "resource": r.resource, "context": dict(r.context)}
                            for r in requests]}
    done = subprocess.run(["node", str(script)], cwd=folder, input=json.dumps(payload), capture_output=True,
                          text=True, timeout=120)
    if done.returncode != 0:
        raise SimulatorUnavailable(f"node {script} failed:\n{done.stderr[-2000:]}")
    answers = json.loads(done.stdout)
    errors = [f"{r.describe()}: {a['error']}" for r, a in zip(requests, answers, strict=True) if "error" in a]
    if errors:
        raise ValueError("the simulator refused these requests or policies:\n" + "\n".join(errors))
    return [Decision(r, a["result"]) for r, a in zip(requests, answers, strict=True)]
