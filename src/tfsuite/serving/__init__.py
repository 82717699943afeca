"""Serving layer harness: the model contract, a TF Serving REST client and the Docker run of the
pinned image (the TF Serving stub and the fake docker client are in tfsuite.testing).

Modules import only what they need, so `contract` works in the TensorFlow env without
`requests` or `docker`:

- contract: what model/empty_model promises (signature, weights, the article's request)
- deployment: the image tag and model name, read from terraform/variables.tf defaults
- client: TFServingClient and TFServingError
- latency: nearest-rank percentiles over N calls, written as JSON under reports/
- container: start the pinned image with the model mounted as the ECS task lays it out
- prediction_check: the article's request and the answer the contract promises (Docker test, e2e run)
"""
