"""Test doubles and fixture builders. Only tests (and their conftests) import this package; no
product module under tfsuite does (tests/harness/test_layout.py checks it).

stub           TFServingStub: a real HTTP server on 127.0.0.1 that answers as TF Serving does
fake_docker    a stand-in for the docker SDK client, whose containers are stubs
sample_stack   the deployment's resource shape made with boto3, as a dead run leaves it (janitor tests)
broken_cases   broken copies of terraform/, each breaking one promise (tests/unit/fixtures/broken)
static_layer   the static layer's fixture run: the real folder, broken copies and fixtures under checkov
"""
