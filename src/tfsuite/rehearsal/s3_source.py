"""TF Serving's S3 file system, as the rehearsal's model server reads an `s3://` base path
(model_loading_mode = "native_s3": TF Serving images up to 2.6 read S3 themselves).

The calls are TF's (S3FileSystem::Stat, then GetChildren, then the files), with the credentials,
region and endpoint of the container's environment (the task role's keys; AWS_ENDPOINT_URL sends
them to the emulator in place of TF's S3_ENDPOINT):

1. HeadObject on the base path's key without a trailing slash (`<model_name>`). It does not
   exist: S3 answers 404 to a caller who may list that key, 403 otherwise, and TF reports a 403 as
   "AWS Credentials have not been set properly" and loads nothing.
2. ListObjects with prefix `<model_name>/` and delimiter `/`: the numeric version folders.
3. To load version N: every object under `<model_name>/N/` (GetObject), into a local folder that
   TensorFlow loads (TF reads them from S3 in place; the objects read are the same).
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

_VERSION = re.compile(r"^[0-9]+$")


class SourceError(RuntimeError):
    """The base path cannot be read: the message is what TF Serving would log."""


class S3Source:
    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.netloc or not parts.path.strip("/"):
            raise ValueError(f"an S3 model base path looks like s3://<bucket>/<model_name>, not {url!r}")
        self.url, self.bucket, self.key = url, parts.netloc, parts.path.strip("/")
        self._cache = Path(tempfile.mkdtemp(prefix="tfsuite-s3-models-"))
        self._client = None

    @property
    def s3(self):
        if self._client is None:
            import boto3

            self._client = boto3.client("s3")  # the environment's credentials, region and endpoint
        return self._client

    def _call(self, what: str, call, **kwargs):
        from botocore.exceptions import ClientError

        try:
            return call(Bucket=self.bucket, **kwargs)
        except ClientError as err:
            status = err.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if status == 404:
                raise FileNotFoundError(what) from None
            if status == 403:
                raise SourceError(f"AWS Credentials have not been set properly. Unable to access the specified "
                                  f"S3 location ({what} on s3://{self.bucket}: 403 "
                                  f"{err.response['Error'].get('Code', '')})") from None
            raise SourceError(f"{what} on s3://{self.bucket}: {err}") from None

    def _stat_folder(self, key: str) -> None:
        """TF's Stat of a folder: HeadObject on the key (missing: 404), then one key listed under it."""
        try:
            self._call(f"HeadObject {key}", self.s3.head_object, Key=key)
        except FileNotFoundError:
            pass  # no object of that name: a "directory" if anything is listed under it
        else:
            raise SourceError(f"s3://{self.bucket}/{key} is an object, not a directory")
        listing = self._call(f"ListObjects {key}/", self.s3.list_objects_v2, Prefix=f"{key}/", MaxKeys=1)
        if not listing.get("Contents") and not listing.get("CommonPrefixes"):
            raise SourceError(f"Could not find base path s3://{self.bucket}/{key} (nothing under it)")

    def versions(self) -> list[int]:
        self._stat_folder(self.key)
        prefix = f"{self.key}/"
        listing = self._call(f"ListObjects {prefix}", self.s3.list_objects_v2, Prefix=prefix, Delimiter="/")
        folders = [p["Prefix"][len(prefix):].rstrip("/") for p in listing.get("CommonPrefixes", [])]
        return sorted(int(f) for f in folders if _VERSION.match(f))

    def fetch(self, version: int) -> Path:
        """Version N's objects in a local folder (replaced on each call)."""
        self._stat_folder(f"{self.key}/{version}")
        self._call("HeadObject saved_model.pb", self.s3.head_object, Key=f"{self.key}/{version}/saved_model.pb")
        prefix = f"{self.key}/{version}/"
        dest = self._cache / str(version)
        shutil.rmtree(dest, ignore_errors=True)
        token = None
        while True:
            extra = {"ContinuationToken": token} if token else {}
            page = self._call(f"ListObjects {prefix}", self.s3.list_objects_v2, Prefix=prefix, **extra)
            for item in page.get("Contents", []):
                relative = item["Key"][len(prefix):]
                if not relative or relative.endswith("/"):
                    continue
                body = self._call(f"GetObject {item['Key']}", self.s3.get_object, Key=item["Key"])["Body"].read()
                target = dest / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(body)
            token = page.get("NextContinuationToken")
            if not token:
                return dest

    def close(self) -> None:
        shutil.rmtree(self._cache, ignore_errors=True)
