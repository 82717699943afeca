"""The toolchain: a Terraform-compatible CLI, the pinned AWS provider, and checkov.

`make bootstrap` (python -m tfsuite.toolchain bootstrap) finds or builds them and records the
result in .tfsuite/toolchain.json; the harness reads it back with load_toolchain().
"""

from tfsuite.toolchain.manifest import Toolchain, ToolchainMissing, load_toolchain

__all__ = ["Toolchain", "ToolchainMissing", "load_toolchain"]
