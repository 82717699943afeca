"""Where AWS calls go: real AWS in a region, or an emulator endpoint; and the botocore settings.

Credential checks use FAST_FAIL (short timeouts, two attempts) so dead credentials fail a run
within seconds; the work itself uses WORK (standard retries for throttling).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import boto3
from botocore.config import Config

# total_max_attempts counts the first call too; botocore reads "max_attempts" as the number of
# retries (and rewrites the dict in place), so it is not used here.
FAST_FAIL = Config(connect_timeout=5, read_timeout=10, retries={"total_max_attempts": 2, "mode": "standard"})
WORK = Config(connect_timeout=10, read_timeout=60, retries={"total_max_attempts": 5, "mode": "standard"})
EMULATOR_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


@dataclass(frozen=True)
class AwsTarget:
    """A region of real AWS (endpoint_url None) or of an emulator."""

    region: str
    endpoint_url: str | None = None
    session: boto3.Session = field(default=None, compare=False, repr=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if not isinstance(self.region, str) or not self.region:
            raise ValueError("region must be a non-empty string such as eu-west-1")
        if self.endpoint_url is not None and not self.endpoint_url.startswith(("http://", "https://")):
            raise ValueError(f"endpoint_url {self.endpoint_url!r} must start with http:// or https://")
        if self.session is None:
            credentials = EMULATOR_CREDENTIALS if self.endpoint_url else {}
            object.__setattr__(self, "session", boto3.Session(region_name=self.region, **credentials))

    @property
    def is_emulator(self) -> bool:
        return self.endpoint_url is not None

    def client(self, service: str, config: Config = WORK):
        return self.session.client(service, region_name=self.region, endpoint_url=self.endpoint_url,
                                   config=config)
