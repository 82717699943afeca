"""Promises about the module's interface and hygiene: version pins, variables, outputs, images,
deprecated arguments, and the resource addresses the other layers look up."""

from __future__ import annotations

import re

from tfsuite.static import contract as c
from tfsuite.static.expressions import resolve, strings
from tfsuite.static.hcl import Config
from tfsuite.static.policy_terms import terms
from tfsuite.static.promises import promise
from tfsuite.static.versions import allows
from tfsuite.toolchain import pins

_EXACT_PIN = re.compile(r"^\s*(~>\s*\d+\.\d+\.\d+|=?\s*\d+\.\d+\.\d+)\s*$")


@promise("version-pins", "required_version bounds the CLI on both sides and admits the toolchain's Terraform "
                         "and OpenTofu; hashicorp/aws is pinned to a patch series the toolchain's provider satisfies")
def version_pins(config: Config):
    settings = config.terraform_settings()
    constraint = next((s["required_version"] for s in settings if "required_version" in s), None)
    if constraint is None:
        yield "terraform", "has no required_version"
    else:
        if "<" not in constraint:
            yield "terraform", f"required_version {constraint!r} has no upper bound"
        cli_min = ".".join(map(str, pins.SUPPORTED_CLI_MIN))
        tofu = pins.OPENTOFU_VERSION.removeprefix("v")  # the CLI the bootstrap builds when no release answers
        for version, should in ((cli_min, True), (pins.TERRAFORM_RELEASE, True), (tofu, True),
                                (".".join(map(str, pins.SUPPORTED_CLI_BELOW)), False)):
            if allows(constraint, version) != should:
                yield "terraform", f"required_version {constraint!r} {'refuses' if should else 'allows'} {version}"
    providers = [p for s in settings for block in s.get("required_providers", []) for p in [block.get("aws")] if p]
    if len(providers) != 1:
        yield "terraform", "required_providers does not declare aws exactly once"
        return
    aws = providers[0]
    if not isinstance(aws, dict) or aws.get("source") != "hashicorp/aws":
        yield "terraform", f"aws provider source is {aws!r}, expected hashicorp/aws"
        return
    version = aws.get("version", "")
    if not _EXACT_PIN.match(version):
        yield "terraform", f"aws provider version {version!r} is not pinned to one patch series (~> X.Y.Z)"
    elif not allows(version, pins.PROVIDER_VERSION):
        yield "terraform", f"aws provider version {version!r} refuses the toolchain's provider {pins.PROVIDER_VERSION}"


@promise("variables-documented", "Every variable has a type and a description")
def variables_documented(config: Config):
    for variable in config.variables().values():
        if not variable.get("type"):
            yield variable.address, "has no type"
        if not str(variable.get("description") or "").strip():
            yield variable.address, "has no description"


@promise("outputs-present", "The outputs other layers and users rely on exist and are described")
def outputs_present(config: Config):
    outputs = config.outputs()
    for name in c.REQUIRED_OUTPUTS:
        if name not in outputs:
            yield f"output.{name}", "is missing"
        elif not str(outputs[name].get("description") or "").strip():
            yield f"output.{name}", "has no description"
    predict = outputs.get("predict_url")
    if predict is not None:
        text = " ".join(strings(resolve(config, predict.get("value"))))
        for part in ("var.listener_port", "var.model_name", ":predict"):
            if part not in text:
                yield predict.address, f"value does not contain {part!r}"
        if "http://" not in text and "${local.listener_scheme}://" not in text:
            yield predict.address, "value starts with neither http:// nor ${local.listener_scheme}://"


@promise("pinned-images", "The image variables default to a pinned tag or digest and refuse latest")
def pinned_images(config: Config):
    variables = config.variables()
    for name in c.IMAGE_VARIABLES:
        variable = variables.get(name)
        if variable is None:
            yield f"variable.{name}", "is missing"
            continue
        problem = terms().image_problem(variable.get("default"))
        if problem:
            yield variable.address, f"default {problem}"
        texts = " ".join(str(v.get("condition", "")) for v in variable.nested("validation"))
        if "latest" not in texts:
            yield variable.address, "no validation refuses the latest tag"
    # the images the task definition finally uses: the gate's CKV_TFS_4


@promise("no-deprecated-references", "No reference to an attribute the AWS provider 6.x deprecates (deprecated "
                                     "arguments and resource types are the gate's CKV_TFS_11)")
def no_deprecated_references(config: Config):
    for file, document in sorted(config.files.items()):
        text = " ".join(strings(document))
        for pattern, replacement in c.DEPRECATED_REFERENCES.items():
            for match in sorted(set(re.findall(pattern, text))):
                yield file, f"refers to {match} (deprecated): use {replacement}"


@promise("contract-addresses", "Every resource address of the Terraform contract exists")
def contract_addresses(config: Config):
    present = {b.address for b in config.resources()}
    for address in c.REQUIRED_ADDRESSES:
        if address not in present:
            yield address, "is missing (other layers look it up by this address)"
