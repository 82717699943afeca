"""What the real-AWS code shares: the e2e run (tfsuite.e2e) and the janitor (tfsuite.janitor).

settings      RUN_AWS_E2E opt-in and the E2E_* variables, checked up front
clients       where calls go (AWS or an emulator endpoint) and the botocore timeouts
credentials   STS check that fails fast and names the credentials problem
guards        account allowlist and the cost guard over the plan JSON (cost_allowlist.yaml)
tagging       run id, name_prefix and the tfsuite:* tags every run puts on its resources
"""
