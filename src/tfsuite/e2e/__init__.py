"""The nightly end-to-end run on real AWS (and its rehearsal on an emulator).

flow        the steps: `python -m tfsuite.e2e [--emulator-endpoint URL]`
workspace   destroy on SIGTERM/SIGINT while a run's workspace holds resources
interrupts  SIGTERM/SIGINT as exceptions so cleanup runs
prediction  the article's request against the ALB, latency over N requests
latency     timed calls and their percentiles
report      the run's JSON report under reports/

What it shares with the janitor (clients, credentials, guards, settings, tags) is in tfsuite.aws.
"""
