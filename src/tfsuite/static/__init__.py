"""The static layer: the configuration parsed with python-hcl2 and held to its promises.

    from tfsuite.static import load_config, check_promises
    findings = check_promises(load_config(TERRAFORM_DIR))   # [] when every promise holds

Names are imported on first use, so `tfsuite.testing.static_layer` can start checkov before python-hcl2
(and its grammar) is loaded.
"""

from importlib import import_module

_EXPORTS = {
    "Finding": "tfsuite.static.findings",
    "Block": "tfsuite.static.hcl", "Config": "tfsuite.static.hcl", "HclParseError": "tfsuite.static.hcl",
    "load_config": "tfsuite.static.hcl",
    "PROMISES": "tfsuite.static.promises", "Promise": "tfsuite.static.promises",
    "check_promises": "tfsuite.static.promises",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'tfsuite.static' has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name]), name)
