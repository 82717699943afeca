"""The nightly end-to-end run on real AWS (and its rehearsal on an emulator).

flow        the steps: `python -m tfsuite.e2e [--emulator-endpoint URL]`
workspace   destroy on SIGTERM/SIGINT while a run's workspace holds resources
interrupts  SIGTERM/SIGINT as exceptions so cleanup runs
report      the run's JSON report under reports/

The prediction check and the latency percentiles are tfsuite.serving's (one implementation for
the Docker test and this run). What it shares with the janitor (clients, credentials, guards,
settings, tags) is in tfsuite.aws.
"""
