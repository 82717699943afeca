"""The upgrade gate: plan the working tree's terraform/ against the state of BASE's deployment on
the embedded emulator, and fail on any delete or replace the approvals file does not allow.

base       BASE resolution and the base's terraform/ out of git (git archive, never the checkout)
classify   each resource change of a plan: create, update, replace (+ the forcing attributes), delete, move
approvals  policies/upgrade-approvals.yaml, read by the suppression ledger's rules
flow       one profile: base apply, candidate plan, judgement, upgrade apply, second plan
gate       every profile, the report (reports/upgrade.json)
cli        python -m tfsuite.upgrade
"""
