# The two commands a user needs: `make gate` (pre-merge gate on the embedded emulator) and
# `make test` (every layer; those that cannot run here skip with their reason).
# Both set up what they need on first use through `make bootstrap`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
CACHE_DIR := $(or $(TFSUITE_CACHE_DIR),$(XDG_CACHE_HOME:%=%/tfsuite),$(HOME)/.cache/tfsuite)
TOX := $(VENV)/bin/tox --workdir $(CACHE_DIR)/tox
RUN := PYTHONPATH=$(CURDIR)/src $(VENV)/bin/python
LAYERS := lint harness unit integration localstack model serving rehearsal e2e
REQUIRE ?=

.PHONY: help bootstrap gate test layers janitor clean $(LAYERS)

help: ## list the targets
	@grep -E '^[a-z$$(][^:]*:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 22

$(VENV)/.stamp: constraints.txt requirements/bootstrap.txt
	@echo "[bootstrap] creating $(VENV) with pinned tox"
	@$(PYTHON) -m venv $(VENV)
	@$(VENV)/bin/pip install -q --disable-pip-version-check -r requirements/bootstrap.txt -c constraints.txt
	@touch $@

bootstrap: $(VENV)/.stamp ## create .venv (tox) and the toolchain: CLI, AWS provider (mirror), checkov
	@$(RUN) -m tfsuite.toolchain bootstrap

gate: bootstrap ## pre-merge gate: static layer + policy, the emulator lifecycle on embedded moto, the rehearsal's happy path
	@TFSUITE_REHEARSAL_MARKEXPR=gate $(RUN) -m tfsuite.layers --tox "$(TOX)" --require gate,rehearsal gate rehearsal

test: bootstrap ## every layer, then a table of passed/skipped/failed per layer with skip reasons
	@TFSUITE_UNIT_MARKEXPR="slow or not slow" $(RUN) -m tfsuite.layers --tox "$(TOX)" --require "$(REQUIRE)" $(LAYERS)

$(LAYERS): bootstrap ## run one layer: make harness, make unit, make integration, ...
	@$(RUN) -m tfsuite.layers --tox "$(TOX)" $@

janitor: $(VENV)/.stamp ## find and destroy suite-tagged AWS resources older than HOURS (DRY_RUN=1 to list only)
	@$(TOX) exec -e e2e -- python -m tfsuite.janitor --older-than-hours $(or $(HOURS),6) \
	  $(if $(filter 1,$(DRY_RUN)),--dry-run,)

clean: ## remove .venv, reports and per-checkout state (caches outside the checkout are kept)
	rm -rf $(VENV) reports .tfsuite .pytest_cache .ruff_cache
	@echo "caches kept in $(CACHE_DIR) (remove by hand to rebuild the toolchain from scratch)"
