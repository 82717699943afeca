"""What each layer needs from the toolchain, and why: the bootstrap sets up only that.

`python -m tfsuite.toolchain bootstrap --for unit` installs checkov and nothing else; the CLI and
the AWS provider (the provider may be a build of tens of minutes) only come with a layer that runs
Terraform. The layer names are those of tfsuite.layers (a harness test keeps the two in step).
"""

from __future__ import annotations

from tfsuite.toolchain.progress import StepFailed

COMPONENTS = ("cli", "provider", "checkov")

WHY = {
    "cli": "runs terraform init/plan/apply/destroy",
    "provider": "hashicorp/aws, which every init and plan of terraform/ loads",
    "checkov": "the policy gate scans the configuration and plans with it",
}

LAYER_NEEDS: dict[str, tuple[str, ...]] = {
    "lint": ("cli", "provider"),  # terraform fmt -check and validate (validate needs init)
    "harness": (),  # the harness's own tests: Python only
    "unit": ("checkov",),  # python-hcl2 promises and the checkov gate
    "integration": ("cli", "provider", "checkov"),  # lifecycle on moto, plus checkov on the plan
    "upgrade": ("cli", "provider"),  # BASE's terraform/ applied, the change planned against its state
    "localstack": ("cli", "provider"),
    "model": (),  # TensorFlow in its tox env
    "serving": (),  # Docker or the stub
    "rehearsal": ("cli", "provider"),  # applies the profiles on moto, then runs the task definition here
    "e2e": ("cli", "provider"),  # the emulator rehearsal, and real AWS when opted in
    "gate": ("cli", "provider", "checkov"),
}


def needs_for(layers: list[str] | None) -> dict[str, list[str]]:
    """Component -> the layers (of those named) that need it; None means every component."""
    if layers is None:
        return {component: ["bootstrap"] for component in COMPONENTS}
    unknown = [layer for layer in layers if layer not in LAYER_NEEDS]
    if unknown:
        raise StepFailed(f"--for {' '.join(unknown)}: unknown layer; known: {', '.join(LAYER_NEEDS)}")
    wanted: dict[str, list[str]] = {}
    for layer in layers:
        for component in LAYER_NEEDS[layer]:
            wanted.setdefault(component, []).append(layer)
    return {component: wanted[component] for component in COMPONENTS if component in wanted}
