"""The S3 requests the task role's model readers make, as IAM sees them (action, resource ARN,
s3:prefix), to be evaluated against the role's policy (tfsuite.iamsim).

sync mode, the model-sync sidecar (terraform/templates/model_sync.sh.tftpl):
  `aws s3api list-objects-v2 --prefix <model>/`        ListBucket, s3:prefix "<model>/"
  `aws s3 sync s3://<bucket>/<model>/<N>/ ...`          ListBucket, s3:prefix "<model>/<N>/"; GetObject per file

native_s3 mode, TF Serving's S3 file system (tensorflow/core/platform/s3/s3_file_system.cc, images
<= 2.6), base path s3://<bucket>/<model>:
  Stat(path)        HeadObject on the key `path` (no trailing slash), then ListObjects with prefix
                    "path/" and max-keys 1; a 403 on either is "AWS Credentials have not been set
                    properly" and the load fails.
  GetChildren(dir)  ListObjects with prefix "dir/" and delimiter "/".
  reads             GetObject on each file of the version.
  The poller stats the base path and lists its children; the SavedModel loader stats the version
  folder, saved_model.pb and saved_model.pbtxt (missing), assets/ and assets.extra/ (missing).

HeadObject is authorised as s3:GetObject on the key. For a key that does not exist (the base path
"<model>", the version folder "<model>/<N>", saved_model.pbtxt, ...) S3 answers 404 only when the
caller may also list that key: s3:ListBucket with s3:prefix = the key (Ceph's RGW copies this AWS
behaviour: ceph/ceph#68577); otherwise 403.
"""

from __future__ import annotations

from collections.abc import Iterable

from tfsuite.iamsim import Request


def _bucket_arn(bucket: str) -> str:
    return f"arn:aws:s3:::{bucket}"


def list_request(bucket: str, prefix: str, why: str) -> Request:
    return Request("s3:ListBucket", _bucket_arn(bucket), {"s3:prefix": prefix}, why)


def get_request(bucket: str, key: str, why: str) -> Request:
    return Request("s3:GetObject", f"{_bucket_arn(bucket)}/{key}", {}, why)


def head_requests(bucket: str, key: str, exists: bool, why: str) -> list[Request]:
    """HeadObject on a key: GetObject, and for a missing key the ListBucket that turns 403 into 404."""
    requests = [get_request(bucket, key, f"{why}: HeadObject {key}")]
    if not exists:
        requests.append(list_request(bucket, key, f"{why}: HeadObject {key} (missing: 404, not 403)"))
    return requests


def stat_requests(bucket: str, key: str, exists: bool, why: str) -> list[Request]:
    return [*head_requests(bucket, key, exists, f"Stat({key})"),
            list_request(bucket, f"{key}/", f"Stat({key}): ListObjects {key}/ ({why})")]


def sidecar_requests(bucket: str, model: str, versions: dict[str, Iterable[str]]) -> list[Request]:
    """versions: version -> the file paths in it (marker included), e.g. {"1": ["saved_model.pb", ...]}."""
    requests = [list_request(bucket, f"{model}/", "model-sync: aws s3api list-objects-v2")]
    for version, files in versions.items():
        requests.append(list_request(bucket, f"{model}/{version}/", f"model-sync: aws s3 sync of version {version}"))
        requests += [get_request(bucket, f"{model}/{version}/{f}", "model-sync: aws s3 sync") for f in files]
    return requests


def tf_serving_s3_requests(bucket: str, model: str, versions: dict[str, Iterable[str]]) -> list[Request]:
    """What TF Serving's S3 file system asks for while it polls the base path and loads each version."""
    requests = [*stat_requests(bucket, model, exists=False, why="the base path"),
                list_request(bucket, f"{model}/", "GetChildren(base path)")]
    for version, files in versions.items():
        folder = f"{model}/{version}"
        requests += stat_requests(bucket, folder, exists=False, why="the version folder")
        requests.append(list_request(bucket, f"{folder}/", f"GetChildren({folder})"))
        requests += stat_requests(bucket, f"{folder}/saved_model.pb", exists=True, why="SavedModel check")
        for missing in ("saved_model.pbtxt", "assets", "assets.extra"):
            requests += stat_requests(bucket, f"{folder}/{missing}", exists=False, why="SavedModel loader")
        requests += [get_request(bucket, f"{folder}/{f}", "TF Serving reads the file") for f in files]
    return requests


def requests_beyond_the_model(bucket: str, model: str) -> list[Request]:
    """Requests no model reader makes: the role must not be allowed any of them."""
    return [
        Request("s3:ListBucket", _bucket_arn(bucket), {}, "list the whole bucket"),
        list_request(bucket, "", "list from the bucket's root"),
        list_request(bucket, "other_model/", "list another model"),
        list_request(bucket, f"{model}_v2/", "list a model whose name starts with this one"),
        get_request(bucket, "other_model/1/saved_model.pb", "read another model"),
        get_request(bucket, f"{model}_v2/1/saved_model.pb", "read a model whose name starts with this one"),
        Request("s3:PutObject", f"{_bucket_arn(bucket)}/{model}/1/saved_model.pb", {}, "overwrite the model"),
        Request("s3:DeleteObject", f"{_bucket_arn(bucket)}/{model}/1/saved_model.pb", {}, "delete the model"),
    ]


def native_only_requests(bucket: str, model: str) -> list[Request]:
    """What only TF Serving's S3 file system needs (the key "<model>" itself): the sync sidecar never asks."""
    return [*head_requests(bucket, model, exists=False, why="Stat(base path)")]
