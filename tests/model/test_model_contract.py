"""model/<model_name>/1 keeps the contract TF Serving and the README rely on."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf
from tensorflow.core.framework import types_pb2

from tfsuite.serving import contract

SOME_EXAMPLES = [[[0.3], [0.2]], [[-4.0], [3.0]], [[10.0], [-10.0]], [[0.0], [0.0]]]


def test_the_model_is_a_numbered_version_folder_small_enough_to_commit(committed_model_dir):
    files = [path for path in committed_model_dir.rglob("*") if path.is_file()]

    assert (committed_model_dir / "saved_model.pb").is_file()
    assert (committed_model_dir / "variables" / "variables.index").is_file()
    assert sum(path.stat().st_size for path in files) < 100_000


def test_the_serving_signature_takes_float32_examples_of_two_by_one(committed_model):
    signature = committed_model.signatures[contract.SIGNATURE_NAME]
    _, inputs = signature.structured_input_signature
    outputs = signature.structured_outputs

    assert list(inputs) == [contract.INPUT_KEY]
    assert inputs[contract.INPUT_KEY].dtype == tf.float32
    assert inputs[contract.INPUT_KEY].shape.as_list() == list(contract.INPUT_SHAPE)
    assert list(outputs) == [contract.OUTPUT_KEY]
    assert outputs[contract.OUTPUT_KEY].dtype == tf.float32
    assert outputs[contract.OUTPUT_KEY].shape.as_list() == list(contract.OUTPUT_SHAPE)


def test_tf_serving_will_describe_the_signature_as_the_contract_says(committed_model_dir, signature_def):
    """What the stub and the Docker test expect from /metadata is what saved_model.pb holds
    (TF Serving's metadata answer is this SignatureDef, dtype names and -1 for unknown sizes)."""
    signature = signature_def(committed_model_dir, contract.SIGNATURE_NAME)

    def described(tensor_info):
        return {"dtype": types_pb2.DataType.Name(tensor_info.dtype),
                "shape": [dim.size for dim in tensor_info.tensor_shape.dim]}

    assert signature.method_name == "tensorflow/serving/predict"
    assert {"inputs": {key: described(info) for key, info in signature.inputs.items()},
            "outputs": {key: described(info) for key, info in signature.outputs.items()}
            } == contract.expected_signature()


def test_the_article_request_gives_a_probability(committed_model, serve):
    [[probability]] = serve(committed_model, contract.article_request()["inputs"])

    assert 0.0 <= probability <= 1.0
    assert probability == pytest.approx(contract.article_probability(), abs=1e-6)


def test_each_example_of_a_batch_gets_its_probability(committed_model, serve):
    probabilities = serve(committed_model, SOME_EXAMPLES)

    assert probabilities.shape == (len(SOME_EXAMPLES), 1)
    assert np.all((probabilities >= 0.0) & (probabilities <= 1.0))
    np.testing.assert_allclose(probabilities, [contract.reference_probability(ex) for ex in SOME_EXAMPLES],
                               atol=1e-6)


def test_the_committed_model_is_what_the_script_makes(committed_model_dir, regenerated_model_dir, serve,
                                                      variables_of):
    committed, regenerated = variables_of(committed_model_dir), variables_of(regenerated_model_dir)
    weights = {key for key in committed if not key.startswith("_CHECKPOINTABLE_OBJECT_GRAPH")}

    assert len(weights) == 2  # kernel and bias
    assert committed.keys() == regenerated.keys()
    for key in weights:
        np.testing.assert_array_equal(committed[key], regenerated[key], err_msg=key)
    np.testing.assert_array_equal(serve(tf.saved_model.load(str(committed_model_dir)), SOME_EXAMPLES),
                                  serve(tf.saved_model.load(str(regenerated_model_dir)), SOME_EXAMPLES))


@pytest.mark.parametrize(("args", "message"), [
    (["--version", "0"], "version must be a positive integer"),
    (["--version", "v1"], "version must be a positive integer"),
    (["--model-name", "a/b"], "model name may only hold"),
    (["--model-name", ""], "model name may only hold"),
])
def test_the_script_refuses_bad_arguments(make_model_script, tmp_path, capsys, args, message):
    with pytest.raises(SystemExit) as exited:
        make_model_script.main(["--output-dir", str(tmp_path), *args])

    assert exited.value.code == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
