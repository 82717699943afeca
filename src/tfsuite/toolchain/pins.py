"""Every version the toolchain pins, in one place.

The AWS provider's Go module path has no /v6 suffix, so its releases are fetched by commit
(the module proxy serves them as pseudo-versions) and checked against version/VERSION.
"""

from __future__ import annotations

# --- hashicorp/aws provider -----------------------------------------------------------------
PROVIDER_VERSION = "6.47.1"  # what version/VERSION says in the pinned tree; the mirror's folder name
PROVIDER_MODULE = "github.com/hashicorp/terraform-provider-aws"
PROVIDER_COMMIT = "5f2286d6d836"
PROVIDER_PSEUDO_VERSION = "v1.60.1-0.20260602190131-5f2286d6d836"
PROVIDER_MODULE_SUM = "h1:haLmsj0WF7e6d2TGbk0fbz5qWdA9f8w9sNpMe6J6WqM="
PROVIDER_LDFLAGS = f"-s -w -X {PROVIDER_MODULE}/version.ProviderVersion={PROVIDER_VERSION}"
PROVIDER_REGISTRY_HOSTS = ("registry.terraform.io", "registry.opentofu.org")

# --- Terraform-compatible CLI ---------------------------------------------------------------
SUPPORTED_CLI_MIN = (1, 6, 0)  # matches required_version in terraform/versions.tf
SUPPORTED_CLI_BELOW = (2, 0, 0)
TERRAFORM_RELEASE = "1.11.4"  # official release download, where releases.hashicorp.com answers
TERRAFORM_RELEASE_URL = "https://releases.hashicorp.com/terraform/{v}/terraform_{v}_{os}_{arch}.zip"
TERRAFORM_SUMS_URL = "https://releases.hashicorp.com/terraform/{v}/terraform_{v}_SHA256SUMS"
OPENTOFU_MODULE = "github.com/opentofu/opentofu"
OPENTOFU_VERSION = "v1.10.10"
OPENTOFU_LDFLAGS = "-s -w -X github.com/opentofu/opentofu/version.dev=no"

# --- checkov (its own virtualenv: it cannot share one with python-hcl2) ---------------------
CHECKOV_VERSION = "3.3.30"

REGISTRY_PROBE_URL = "https://registry.terraform.io/.well-known/terraform.json"
