"""The model contract: what model/<model_name>/<version> promises to every layer.

model/make_model.py builds the SavedModel from these values, the model layer checks the saved
model against them with TensorFlow, the stub answers with `reference_probability`, and the
Docker test checks the real TF Serving answer against it. Plain Python: no TensorFlow here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

MODEL_VERSION = "1"
SIGNATURE_NAME = "serving_default"
INPUT_KEY = "input"
OUTPUT_KEY = "probability"
INPUT_SHAPE = (None, 2, 1)  # batch of examples, each two features of one value (the article's request)
OUTPUT_SHAPE = (None, 1)
DTYPE = "DT_FLOAT"

# Fixed weights, so every build of the model is identical: probability = sigmoid(x @ KERNEL + BIAS).
KERNEL = ((1.5,), (-2.0,))
BIAS = (0.1,)

# The article's request body, sent to /v1/models/<model_name>:predict.
ARTICLE_INPUTS = [[[0.3], [0.2]]]


def article_request() -> dict:
    """A fresh copy of the article's request body (columnar `inputs` form)."""
    return {"signature_name": SIGNATURE_NAME, "inputs": [[list(v) for v in ex] for ex in ARTICLE_INPUTS]}


def reference_probability(example: Sequence[Sequence[float]]) -> list[float]:
    """What the model answers for one example of shape [2, 1]: a list with one probability."""
    features = [value for (value,) in example]
    logit = sum(x * w for x, (w,) in zip(features, KERNEL, strict=True)) + BIAS[0]
    return [1.0 / (1.0 + math.exp(-logit))]


def article_probability() -> float:
    """The probability the model answers to the article's request."""
    return reference_probability(ARTICLE_INPUTS[0])[0]


def expected_signature() -> dict:
    """The signature as TF Serving's metadata describes it (unknown dimensions as -1)."""
    def tensor(shape: tuple) -> dict:
        return {"dtype": DTYPE, "shape": [-1 if dim is None else dim for dim in shape]}

    return {"inputs": {INPUT_KEY: tensor(INPUT_SHAPE)}, "outputs": {OUTPUT_KEY: tensor(OUTPUT_SHAPE)}}
