"""Model layer fixtures: the committed SavedModel, and one freshly made by model/make_model.py."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before TensorFlow is imported: keep its C++ chatter out

import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

from tfsuite.paths import MODEL_DIR  # noqa: E402
from tfsuite.serving import contract, deployment  # noqa: E402

MAKE_MODEL = MODEL_DIR / "make_model.py"


@pytest.fixture(scope="session")
def model_name() -> str:
    return deployment.model_name()


@pytest.fixture(scope="session")
def committed_model_dir(model_name):
    return MODEL_DIR / model_name / contract.MODEL_VERSION


@pytest.fixture(scope="session")
def committed_model(committed_model_dir):
    return tf.saved_model.load(str(committed_model_dir))


@pytest.fixture(scope="session")
def regenerated_model_dir(tmp_path_factory, model_name):
    """The script run as a user runs it, into a temporary folder."""
    output_dir = tmp_path_factory.mktemp("regenerated")
    command = [sys.executable, str(MAKE_MODEL), "--output-dir", str(output_dir), "--model-name", model_name]
    subprocess.run(command, check=True, capture_output=True, text=True, timeout=300)
    return output_dir / model_name / contract.MODEL_VERSION


@pytest.fixture(scope="session")
def make_model_script():
    """model/make_model.py as a module, to call its main() in-process."""
    spec = importlib.util.spec_from_file_location("make_model", MAKE_MODEL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def serve():
    return _serve


@pytest.fixture(scope="session")
def variables_of():
    return _variables_of


@pytest.fixture(scope="session")
def signature_def():
    return _signature_def


def _serve(model, examples):
    """The serving_default signature applied to a batch, as a numpy array."""
    signature = model.signatures[contract.SIGNATURE_NAME]
    return signature(**{contract.INPUT_KEY: tf.constant(examples, tf.float32)})[contract.OUTPUT_KEY].numpy()


def _variables_of(model_dir):
    """{checkpoint key: numpy value} of a SavedModel's variables."""
    reader = tf.train.load_checkpoint(str(model_dir / "variables" / "variables"))
    return {key: reader.get_tensor(key) for key in reader.get_variable_to_shape_map()}


def _signature_def(model_dir, name):
    """A SignatureDef as saved_model.pb stores it for the "serve" tag (what TF Serving reads)."""
    from tensorflow.core.protobuf import saved_model_pb2

    saved_model = saved_model_pb2.SavedModel.FromString((model_dir / "saved_model.pb").read_bytes())
    [meta_graph] = [graph for graph in saved_model.meta_graphs if "serve" in graph.meta_info_def.tags]
    return meta_graph.signature_def[name]
