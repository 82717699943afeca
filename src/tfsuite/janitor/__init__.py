"""The janitor: find suite-tagged AWS resources older than N hours and delete them.

sweep       `python -m tfsuite.janitor --older-than-hours N`: select by age, delete in order, report
inventory   finding suite-tagged resources (tagging API + per-service listings)
deleters    one deleter per resource kind, in dependency order, retried on dependency errors

What it shares with the e2e run (clients, credentials, guards, settings, tags) is in tfsuite.aws.
"""
