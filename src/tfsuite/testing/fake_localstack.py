"""A stand-in for a running LocalStack: answers /_localstack/health as LocalStack 4.13.1's
community edition does (ecs, elbv2, ecr and application-autoscaling not offered) and nothing else.

    with FakeLocalStack() as endpoint:   # "http://127.0.0.1:<port>"
        ...
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

COMMUNITY_HEALTH = {
    "edition": "community", "version": "4.13.1",
    "services": {"s3": "available", "iam": "available", "sts": "available", "ec2": "available",
                 "logs": "available", "ecs": "disabled", "elbv2": "disabled", "ecr": "disabled",
                 "application-autoscaling": "disabled"},
}


class FakeLocalStack:
    def __init__(self, health: dict | None = None) -> None:
        body = json.dumps(health or COMMUNITY_HEALTH).encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's naming
                found = self.path == "/_localstack/health"
                self.send_response(200 if found else 501)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body) if found else 0))
                self.end_headers()
                if found:
                    self.wfile.write(body)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.endpoint = f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> str:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self.endpoint

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
