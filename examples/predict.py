"""The README's request: ask the deployed model for a probability through the ALB (port 9000).

    python examples/predict.py "$(terraform -chdir=terraform output -raw alb_dns_name)"

Prints TF Serving's JSON answer, e.g. {"outputs": [[0.5374...]]}. Needs only `requests`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys

import requests


def predict(alb_dns: str, port: int = 9000, model_name: str = "empty_model", timeout: float = 10.0) -> dict:
    response = requests.post(
        f"http://{alb_dns}:{port}/v1/models/{model_name}:predict",
        json={"signature_name": "serving_default", "inputs": [[[0.3], [0.2]]]},
        timeout=timeout,
    )
    response.raise_for_status()
    return response.json()


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"port must be a number from 1 to 65535, got {text!r}")
    return int(text)


def _host(text: str) -> str:
    if not text or "/" in text or ":" in text or text.strip() != text:
        raise argparse.ArgumentTypeError(
            f"give the ALB's DNS name only (no scheme, port or path), got {text!r}")
    return text


def _model_name(text: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_-]+", text):
        raise argparse.ArgumentTypeError(
            f"model name may only hold letters, digits, '_' and '-', got {text!r}")
    return text


def _timeout(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if not seconds > 0:
        raise argparse.ArgumentTypeError(f"timeout must be a positive number of seconds, got {text!r}")
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Send the article's prediction request to the ALB.")
    parser.add_argument("alb_dns", type=_host, help="the ALB DNS name (terraform output alb_dns_name)")
    parser.add_argument("--port", type=_port, default=9000, help="listener port (default 9000)")
    parser.add_argument("--model-name", type=_model_name, default="empty_model")
    parser.add_argument("--timeout", type=_timeout, default=10.0, help="seconds (default 10)")
    args = parser.parse_args(argv)
    try:
        answer = predict(args.alb_dns, args.port, args.model_name, args.timeout)
    except requests.HTTPError as err:
        response = err.response
        print(f"TF Serving answered HTTP {response.status_code}: {response.text.strip()}", file=sys.stderr)
        return 1
    except requests.RequestException as err:
        print(f"no answer from {args.alb_dns}:{args.port}: {err}", file=sys.stderr)
        return 1
    print(json.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(main())
