# The IVIg patient guide. `make help` lists the targets.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
SITE := site
# Material 9.7+ prints an end-of-life banner on every build; silence it so real warnings stand out.
export NO_MKDOCS_2_WARNING := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help build serve test test-fast check-emergency approve-emergency bench lint clean distclean

help: ## List targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 20

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Stamp files: dependencies are installed again only when a pin changes.
$(VENV)/.build-deps: $(BIN)/python pyproject.toml requirements/build.txt
	$(BIN)/python -m pip install --quiet -r requirements/build.txt -c requirements/build.txt
	$(BIN)/python -m pip install --quiet --no-deps --editable .
	touch $@

$(VENV)/.test-deps: $(VENV)/.build-deps requirements/test.txt
	$(BIN)/python -m pip install --quiet -r requirements/test.txt -c requirements/build.txt
	touch $@

build: $(VENV)/.build-deps ## Build site/ strictly; any warning or emergency-guard finding fails it, leaving no site/
	@rm -rf $(SITE).tmp
	@if $(BIN)/mkdocs build --strict --site-dir $(SITE).tmp; then \
	  rm -rf $(SITE) && mv $(SITE).tmp $(SITE) && echo "Built $(SITE)/"; \
	else \
	  rm -rf $(SITE).tmp $(SITE); echo "Build failed: $(SITE)/ was removed, nothing to publish." >&2; exit 1; \
	fi

serve: $(VENV)/.build-deps ## Live preview on http://127.0.0.1:8000
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

test: $(VENV)/.test-deps ## Run the whole test suite (what CI runs)
	$(BIN)/pytest

test-fast: $(VENV)/.test-deps ## Run the tests that build the site at most once
	$(BIN)/pytest -m "not slow"

check-emergency: build ## Check the emergency sections of the built site/ against the approved lock
	$(BIN)/python -m ivig_guide.emergency check $(SITE) --docs docs

approve-emergency: $(VENV)/.build-deps ## Show changes to emergency wording and approve them (YES=1 skips the prompt)
	@rm -rf $(SITE).approve
	@EMERGENCY_GUARD=approve $(BIN)/mkdocs build --strict --quiet --site-dir $(SITE).approve || { rm -rf $(SITE).approve; exit 1; }
	@$(BIN)/python -m ivig_guide.emergency approve $(SITE).approve --docs docs $(if $(YES),--yes) $(if $(BY),--by "$(BY)"); \
	  status=$$?; rm -rf $(SITE).approve; exit $$status

bench: $(VENV)/.test-deps ## Benchmark the build with and without the emergency guard
	$(BIN)/python tests/bench_guard.py

lint: $(VENV)/.test-deps ## Lint and check formatting
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

clean: ## Remove built output and caches
	rm -rf $(SITE) $(SITE).tmp $(SITE).approve .pytest_cache .hypothesis .ruff_cache
	find . -name __pycache__ -not -path './$(VENV)/*' -prune -exec rm -rf {} +

distclean: clean ## Also remove the virtual environment
	rm -rf $(VENV)
