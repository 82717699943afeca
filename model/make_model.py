"""Make the SavedModel every layer serves: model/<model_name>/<version>/ (default empty_model/1).

    python model/make_model.py                       # rewrites model/empty_model/1
    python model/make_model.py --output-dir /tmp/m   # writes /tmp/m/empty_model/1

probability = sigmoid(reshape(input, [-1, 2]) @ kernel + bias), with the fixed weights of
tfsuite.serving.contract: no randomness, so two runs give identical variables. Only plain ops
(Reshape, MatMul, BiasAdd, Sigmoid) through tf.Module + tf.function, no Keras, so that older
TF Serving images (2.18) load what a newer TensorFlow writes.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "src"))  # the contract lives in the harness, importable without install

from tfsuite.serving import contract  # noqa: E402

DEFAULT_MODEL_NAME = "empty_model"


def build_module():
    import tensorflow as tf

    class ProbabilityModel(tf.Module):
        def __init__(self) -> None:
            super().__init__(name="probability_model")
            self.kernel = tf.Variable(contract.KERNEL, dtype=tf.float32, name="kernel")
            self.bias = tf.Variable(contract.BIAS, dtype=tf.float32, name="bias")

        @tf.function(input_signature=[
            tf.TensorSpec(contract.INPUT_SHAPE, tf.float32, name=contract.INPUT_KEY)])
        def serve(self, features):
            flat = tf.reshape(features, [-1, len(contract.KERNEL)])
            logits = tf.nn.bias_add(tf.matmul(flat, self.kernel), self.bias)
            return {contract.OUTPUT_KEY: tf.sigmoid(logits)}

    return ProbabilityModel()


def make_model(output_dir: Path, model_name: str = DEFAULT_MODEL_NAME,
               version: str = contract.MODEL_VERSION) -> Path:
    """Write <output_dir>/<model_name>/<version>/ (replacing it) and return that folder."""
    if not re.fullmatch(r"[A-Za-z0-9_-]+", model_name or ""):
        raise ValueError("model name may only hold letters, digits, '_' and '-' (as terraform's "
                         f"model_name), got {model_name!r}")
    if not str(version).isdigit() or int(version) < 1:
        raise ValueError(f"version must be a positive integer (TF Serving's version folders), "
                         f"got {version!r}")
    import tensorflow as tf

    target = Path(output_dir) / model_name / str(version)
    if target.exists():
        shutil.rmtree(target)
    module = build_module()
    tf.saved_model.save(module, str(target), signatures={contract.SIGNATURE_NAME: module.serve})
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output-dir", type=Path, default=REPO_ROOT / "model",
                        help="folder that receives <model-name>/<version>/ (default: model/)")
    parser.add_argument("--model-name", default=DEFAULT_MODEL_NAME)
    parser.add_argument("--version", default=contract.MODEL_VERSION)
    args = parser.parse_args(argv)
    try:
        target = make_model(args.output_dir, args.model_name, args.version)
    except ValueError as err:
        parser.error(str(err))
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
