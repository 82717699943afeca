"""Image tag and model name come from the Terraform variable defaults, with or without python-hcl2."""

from __future__ import annotations

import sys
import textwrap

import pytest

from tfsuite.serving.deployment import DeploymentConfigError, tfserving_image, variable_default

VARIABLES = textwrap.dedent('''
    variable "name_prefix" {
      type = string
    }

    variable "tfserving_image" {
      description = "TF Serving image {with braces} and \\"quotes\\""
      type        = string
      default     = "tensorflow/serving:9.9.9"

      validation {
        condition     = !endswith(var.tfserving_image, ":latest")
        error_message = "Pin a tag."
      }
    }

    variable "tags" {
      type    = map(string)
      default = {
        default = "not-this-one"
      }
    }
    ''')


@pytest.fixture(params=["python-hcl2", "fallback scanner"])
def variables_tf(request, tmp_path, monkeypatch):
    if request.param == "fallback scanner":
        monkeypatch.setitem(sys.modules, "hcl2", None)  # as if python-hcl2 were not installed
    path = tmp_path / "variables.tf"
    path.write_text(VARIABLES)
    return path


def test_the_image_is_the_variable_default(variables_tf):
    assert tfserving_image(variables_tf) == "tensorflow/serving:9.9.9"


def test_a_variable_without_default_is_an_error(variables_tf):
    with pytest.raises(DeploymentConfigError, match='variable "name_prefix" .* has no string default'):
        variable_default("name_prefix", variables_tf)


def test_a_nested_default_is_not_taken_for_the_variables_own(variables_tf):
    with pytest.raises(DeploymentConfigError, match='variable "tags" .* has no string default'):
        variable_default("tags", variables_tf)


def test_an_undeclared_variable_is_an_error(variables_tf):
    with pytest.raises(DeploymentConfigError, match='declares no variable "model_name"'):
        variable_default("model_name", variables_tf)


def test_a_missing_file_is_an_error(tmp_path):
    with pytest.raises(DeploymentConfigError, match="variables.tf not found"):
        tfserving_image(tmp_path / "variables.tf")


def test_an_empty_name_is_refused(variables_tf):
    with pytest.raises(ValueError, match="variable name must not be empty"):
        variable_default("", variables_tf)
