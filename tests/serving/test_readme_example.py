"""The README's Python request (docs and examples/predict.py) runs and gets the probability back."""

from __future__ import annotations

import ast
import importlib.util
import json
import subprocess
import sys

import pytest

from tfsuite.paths import REPO_ROOT
from tfsuite.serving import contract
from tfsuite.serving.readme_example import point_at, predict_snippet

SCRIPT = REPO_ROOT / "examples" / "predict.py"
SERVING_DOC = REPO_ROOT / "docs" / "readme" / "serving.md"
ARTICLE_ANSWER = {"outputs": [contract.reference_probability(contract.ARTICLE_INPUTS[0])]}


@pytest.fixture(scope="module")
def example():
    """examples/predict.py as a module, to call its main() in-process."""
    spec = importlib.util.spec_from_file_location("predict_example", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_documented_snippet_gets_the_probability(stub, capsys):
    snippet = point_at(predict_snippet(SERVING_DOC), "127.0.0.1", stub.port)

    exec(compile(snippet, str(SERVING_DOC), "exec"), {})

    assert ast.literal_eval(capsys.readouterr().out) == ARTICLE_ANSWER
    assert json.loads(stub.requests[-1].body) == contract.article_request()


def test_the_example_script_prints_tf_servings_answer(stub):
    result = subprocess.run([sys.executable, str(SCRIPT), "127.0.0.1", "--port", str(stub.port)],
                            capture_output=True, text=True, timeout=30)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == ARTICLE_ANSWER
    assert json.loads(stub.requests[-1].body) == contract.article_request()


def test_the_example_script_shows_tf_servings_error(example, start_stub, capsys):
    stub = start_stub(unavailable_calls=1)

    assert example.main(["127.0.0.1", "--port", str(stub.port)]) == 1
    stderr = capsys.readouterr().err
    assert "TF Serving answered HTTP 503" in stderr
    assert "Servable not available yet" in stderr


def test_the_example_script_says_when_nothing_answers(example, closed_port, capsys):
    assert example.main(["127.0.0.1", "--port", str(closed_port), "--timeout", "2"]) == 1
    assert f"no answer from 127.0.0.1:{closed_port}" in capsys.readouterr().err


@pytest.mark.parametrize(("args", "message"), [
    (["http://my-alb.example.com"], "give the ALB's DNS name only"),
    (["my-alb.example.com:9000"], "give the ALB's DNS name only"),
    ([""], "give the ALB's DNS name only"),
    (["alb", "--port", "70000"], "port must be a number from 1 to 65535"),
    (["alb", "--port", "x"], "port must be a number from 1 to 65535"),
    (["alb", "--model-name", "a/b"], "model name may only hold"),
    (["alb", "--timeout", "0"], "timeout must be a positive number"),
    ([], "the following arguments are required: alb_dns"),
])
def test_the_example_script_refuses_bad_arguments(example, capsys, args, message):
    with pytest.raises(SystemExit) as exited:
        example.main(args)

    assert exited.value.code == 2
    assert message in capsys.readouterr().err
