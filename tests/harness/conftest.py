"""Fixtures of the harness's own tests (tfsuite.testing.fixtures adds the emulator and the stubs).

- `embedded_moto`: moto itself, for the compatibility canaries of tfsuite.emulator.moto_compat
- `real_config`: terraform/ as python-hcl2 reads it
- `rejecting_sts`: an STS endpoint that refuses the credentials
- `plan_document`: a minimal plan JSON for the cost guard
- `leaked_run`: a suite-tagged stack built with boto3, as a run that died mid-way leaves it
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tfsuite.aws.tagging import RunIdentity
from tfsuite.paths import TERRAFORM_DIR


@pytest.fixture(scope="session")
def embedded_moto(emulator):
    return emulator


@pytest.fixture(scope="session")
def real_config():
    from tfsuite.static import load_config

    return load_config(TERRAFORM_DIR)


@dataclass(frozen=True)
class FakeSts:
    url: str
    code: str


@pytest.fixture
def rejecting_sts(request):
    """An HTTP endpoint that answers every STS call as AWS does for rejected credentials (403)."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    code = request.param
    body = (f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>"
            "<Message>The security token included in the request is invalid</Message></Error>"
            "<RequestId>e2e-test</RequestId></ErrorResponse>").encode()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's naming
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(403)
            self.send_header("Content-Type", "text/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield FakeSts(f"http://127.0.0.1:{server.server_address[1]}", code)
    server.shutdown()
    server.server_close()


@pytest.fixture
def plan_document():
    """Build a minimal plan JSON: plan_document(("aws_vpc", {...}), ("aws_subnet", {...}, "delete"), ...)."""
    def build(*resources) -> dict:
        changes = []
        for index, (resource_type, after, *rest) in enumerate(resources):
            action = rest[0] if rest else "create"
            unknown = rest[1] if len(rest) > 1 else {}
            changes.append({"address": f"{resource_type}.r{index}", "mode": "managed", "type": resource_type,
                            "name": f"r{index}", "change": {"actions": [action], "after": after,
                                                            "after_unknown": unknown}})
        return {"format_version": "1.2", "resource_changes": changes}
    return build


@pytest.fixture
def leaked_run(emulator_target):
    """Build a suite-tagged stack with boto3, as a run that died mid-way leaves it:
    leaked_run(run=None, tags=None) -> SampleStack."""
    from tfsuite.testing.sample_stack import build_sample_stack

    def build(run: RunIdentity | None = None, tags: dict | None = None):
        return build_sample_stack(emulator_target, run or RunIdentity.new(), tags=tags)
    return build


