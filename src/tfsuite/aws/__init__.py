"""The real-AWS end-to-end run, its guards, and the janitor that cleans up after runs that died.

settings      RUN_AWS_E2E opt-in and the E2E_* variables, checked up front
clients       where calls go (AWS or an emulator endpoint) and the botocore timeouts
credentials   STS check that fails fast and names the credentials problem
guards        account allowlist and the cost guard over the plan JSON (cost_allowlist.yaml)
tagging       run id, name_prefix and the tfsuite:* tags every run puts on its resources
inventory     finding suite-tagged resources (tagging API + per-service listings)
deleters      one deleter per resource kind, in dependency order, retried on dependency errors
janitor       `python -m tfsuite.aws.janitor`: delete suite resources older than N hours
workspace     the runner's Terraform workspace for real AWS (no emulator override)
interrupts    SIGTERM/SIGINT as exceptions so cleanup runs
prediction    the article's request against the ALB, latency over N requests (latency)
report        the run's JSON report under reports/
e2e           the flow: `python -m tfsuite.aws.e2e [--emulator-endpoint URL]`
sample_stack  the deployment's resource shape made with boto3, to exercise the janitor
"""
