# The two commands a user needs: `make gate` (pre-merge gate on the embedded emulator) and
# `make test` (every layer; those that cannot run here skip with their reason).
# Every target sets up only what its layers need, on first use (`bootstrap --for LAYER`): the
# static layer needs checkov, never the CLI or the provider; `make bootstrap` sets up everything.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
CACHE_DIR := $(or $(TFSUITE_CACHE_DIR),$(XDG_CACHE_HOME:%=%/tfsuite),$(HOME)/.cache/tfsuite)
TOX := $(VENV)/bin/tox --workdir $(CACHE_DIR)/tox
RUN := PYTHONPATH=$(CURDIR)/src $(VENV)/bin/python
LAYERS := lint harness unit integration upgrade localstack model serving rehearsal e2e
REQUIRE ?=
JOBS ?=
ifdef BASE
export TFSUITE_UPGRADE_BASE := $(BASE)
endif

.PHONY: help bootstrap gate test layers summary janitor clean $(LAYERS)

help: ## list the targets
	@grep -E '^[a-z$$(][^:]*:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 22

$(VENV)/.stamp: constraints.txt requirements/bootstrap.txt
	@echo "[bootstrap] creating $(VENV) with pinned tox"
	@$(PYTHON) -m venv $(VENV)
	@$(VENV)/bin/pip install -q --disable-pip-version-check -r requirements/bootstrap.txt -c constraints.txt
	@touch $@

bootstrap: $(VENV)/.stamp ## create .venv (tox) and the whole toolchain: CLI, AWS provider (mirror), checkov
	@$(RUN) -m tfsuite.toolchain bootstrap

gate: $(VENV)/.stamp ## pre-merge gate: static + policy, emulator lifecycle, upgrade gate (BASE=<ref>), rehearsal happy path
	@$(RUN) -m tfsuite.toolchain bootstrap --for gate upgrade rehearsal
	@TFSUITE_REHEARSAL_MARKEXPR=gate $(RUN) -m tfsuite.layers --tox "$(TOX)" $(if $(JOBS),--jobs $(JOBS),) \
	  --require gate,upgrade,rehearsal gate upgrade rehearsal

test: $(VENV)/.stamp ## every layer, side by side (JOBS=1: one at a time), then the table of verdicts
	@$(RUN) -m tfsuite.toolchain bootstrap --for $(LAYERS)
	@TFSUITE_UNIT_MARKEXPR="slow or not slow" $(RUN) -m tfsuite.layers --tox "$(TOX)" \
	  $(if $(JOBS),--jobs $(JOBS),) --require "$(REQUIRE)" $(LAYERS)

$(LAYERS): $(VENV)/.stamp ## run one layer, setting up only what it needs, judged as .ci/run judges it
	@$(RUN) -m tfsuite.toolchain bootstrap --for $@
	@$(RUN) -m tfsuite.layers --tox "$(TOX)" --require $@ $@

summary: ## reports/summary.md from the reports under reports/ (also appended to GITHUB_STEP_SUMMARY when set)
	@$(RUN) -m tfsuite.summary

janitor: $(VENV)/.stamp ## destroy suite-tagged AWS resources older than HOURS in E2E_AWS_ACCOUNT_IDS or ACCOUNT (DRY_RUN=1 lists)
	@$(TOX) exec -e e2e -- python -m tfsuite.janitor --older-than-hours $(or $(HOURS),6) \
	  $(if $(filter 1,$(DRY_RUN)),--dry-run,) $(if $(ACCOUNT),--account $(ACCOUNT),)

clean: ## remove .venv, reports and per-checkout state (caches outside the checkout are kept)
	rm -rf $(VENV) reports .tfsuite .pytest_cache .ruff_cache
	@echo "caches kept in $(CACHE_DIR) (remove by hand to rebuild the toolchain from scratch)"
