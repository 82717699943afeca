"""Promises about data at rest: the model bucket and the logs."""

from __future__ import annotations

from tfsuite.static import contract as c
from tfsuite.static.expressions import mentions, objects, reference, resolve
from tfsuite.static.hcl import Block, Config
from tfsuite.static.promises import about, promise

BUCKET_ADDRESS = "aws_s3_bucket.models"


def _for_bucket(config: Config, rtype: str) -> list[Block]:
    return [b for b in config.resources(rtype) if reference(b.get("bucket")) in (f"{BUCKET_ADDRESS}.id",
                                                                                 f"{BUCKET_ADDRESS}.bucket")]


@promise("bucket-protections", "The model bucket is private (all four public access blocks, owner-enforced, "
                               "no ACLs), versioned, encrypted and TLS-only")
@about(c.BUCKET)
def bucket_protections(config: Config, bucket: Block):
    for rtype in ("aws_s3_bucket_acl",):
        for block in config.resources(rtype):
            yield block.address, "grants through bucket ACLs (ownership is BucketOwnerEnforced, ACLs off)"
    blocks = _for_bucket(config, "aws_s3_bucket_public_access_block")
    if not blocks:
        yield BUCKET_ADDRESS, "has no aws_s3_bucket_public_access_block"
    for block in blocks:
        for key in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"):
            if block.get(key) is not True:
                yield block.address, f"{key} is {block.get(key)!r}, expected true"
    ownership = [rule.get("object_ownership") for b in _for_bucket(config, "aws_s3_bucket_ownership_controls")
                 for rule in b.nested("rule")]
    if ownership != ["BucketOwnerEnforced"]:
        yield BUCKET_ADDRESS, f"object ownership is {ownership!r}, expected ['BucketOwnerEnforced'] (ACLs disabled)"
    versioning = [v.get("status") for b in _for_bucket(config, "aws_s3_bucket_versioning")
                  for v in b.nested("versioning_configuration")]
    if versioning != ["Enabled"]:
        yield BUCKET_ADDRESS, f"versioning is {versioning!r}, expected ['Enabled']"
    algorithms = [d.get("sse_algorithm")
                  for b in _for_bucket(config, "aws_s3_bucket_server_side_encryption_configuration")
                  for rule in b.nested("rule") for d in rule.get("apply_server_side_encryption_by_default", [])]
    if not algorithms or any(a not in ("AES256", "aws:kms", "aws:kms:dsse") for a in algorithms):
        yield BUCKET_ADDRESS, f"default encryption is {algorithms!r}, expected AES256 or aws:kms"
    statements = [s for b in _for_bucket(config, "aws_s3_bucket_policy")
                  for s in objects(config, b.get("policy")) if "Effect" in s]
    if not any(s.get("Effect") == "Deny" and "aws:SecureTransport" in str(s.get("Condition")) for s in statements):
        yield BUCKET_ADDRESS, "no bucket policy statement denies requests without TLS (aws:SecureTransport)"
    for statement in statements:
        if statement.get("Effect") == "Allow" and statement.get("Principal") in ("*", {"AWS": "*"}, {"AWS": ["*"]}):
            yield BUCKET_ADDRESS, "bucket policy allows the anonymous principal '*'"
    if bucket.get("force_destroy") not in (False, "${var.force_destroy_bucket}", None):
        yield bucket.address, f"force_destroy is {bucket.get('force_destroy')!r}, expected var.force_destroy_bucket"
    variable = config.variables().get("force_destroy_bucket")
    if variable is not None and variable.get("default") is not False:
        yield variable.address, "default must be false (a destroy must not silently delete models)"


@promise("log-retention", "Every log group expires its logs (retention from var.log_retention_days, an allowed "
                          "CloudWatch value) and the containers log to it")
def log_retention(config: Config):
    groups = config.resources("aws_cloudwatch_log_group")
    if not config.resource(*c.LOG_GROUP):
        yield "aws_cloudwatch_log_group.tfserving", "is missing"
    for group in groups:
        days = resolve(config, group.get("retention_in_days"), defaults=True)
        if days is None or days == 0:
            yield group.address, "has no retention_in_days: logs are kept (and paid for) forever"
        elif days not in c.LOG_RETENTION_DAYS:
            yield group.address, f"retention_in_days resolves to {days!r}, which CloudWatch does not accept"
        if group.get("log_group_class") is not None:
            yield group.address, "sets log_group_class (the emulators replace the group on every plan)"
    task = config.resource(*c.TASK_DEFINITION)
    if task:
        containers = [o for o in objects(config, task.get("container_definitions")) if "image" in o]
        for container in containers:
            config_blocks = [o for o in objects(config, container.get("logConfiguration")) if "logDriver" in o]
            to_group = [b for b in config_blocks if b.get("logDriver") == "awslogs"
                        and mentions(b.get("options"), "aws_cloudwatch_log_group.tfserving")]
            if not to_group:
                yield task.address, f"container {container.get('name')!r} does not log to the tfserving log group"
