"""tfsuite: the test and compliance harness for the TF Serving on ECS Fargate deployment.

Plain Python, usable without pytest. Each module has one reason to change.
"""

__version__ = "0.1.0"
