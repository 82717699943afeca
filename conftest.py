"""Root conftest: the layer-summary plugin and options shared by every layer.

Fixtures live in the harness (src/tfsuite) and in each layer's conftest; tests stay thin.
"""

pytest_plugins = ["tfsuite.pytest_plugin"]
