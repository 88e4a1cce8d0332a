# The IVIg patient guide. `make help` lists the targets.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
SITE := site
OFFLINE := site-offline
# Material 9.7+ prints an end-of-life banner on every build; silence it so real warnings stand out.
export NO_MKDOCS_2_WARNING := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

NODE_TOOLS := tests/node

.PHONY: help build serve test test-fast test-browser browser test-fonts handouts offline release screenshots \
	check-rendered check-emergency approve-emergency bench lint clean distclean

help: ## List targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 20

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Stamp files: dependencies are installed again only when a pin changes.
$(VENV)/.build-deps: $(BIN)/python pyproject.toml requirements/build.txt
	$(BIN)/python -m pip install --quiet -r requirements/build.txt -c requirements/build.txt
	$(BIN)/python -m pip install --quiet --no-deps --editable .
	touch $@

$(VENV)/.handout-deps: $(VENV)/.build-deps requirements/handouts.txt
	$(BIN)/python -m pip install --quiet -r requirements/handouts.txt -c requirements/build.txt
	touch $@

$(VENV)/.test-deps: $(VENV)/.handout-deps requirements/test.txt
	$(BIN)/python -m pip install --quiet -r requirements/test.txt -c requirements/build.txt -c requirements/handouts.txt
	touch $@

# axe-core (accessibility rules, injected into pages by the browser tests) and Lighthouse (benchmark),
# exact versions from the lock file.
$(NODE_TOOLS)/node_modules/.installed: $(NODE_TOOLS)/package.json $(NODE_TOOLS)/package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed for the browser tests (Debian: apt-get install npm)." >&2; exit 1; }
	cd $(NODE_TOOLS) && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

browser: $(VENV)/.handout-deps ## Find Chromium (CHROMIUM, /usr/bin/chromium, or apt-get install chromium as root)
	@$(BIN)/python -m ivig_guide.browser >/dev/null

test-fonts: $(VENV)/.handout-deps ## Chromium, and the fonts the browser tests look with (unpacked into .venv/test-fonts/)
	@$(BIN)/python -m ivig_guide.browser --fonts >/dev/null

# The standalone guard runs on the built folder too, so a site is never published unguarded, even when
# mkdocs.yml lost its hooks.
build: $(VENV)/.build-deps ## Build site/ strictly; any warning or emergency-guard finding fails it, leaving no site/
	@rm -rf $(SITE).tmp
	@if $(BIN)/mkdocs build --strict --site-dir $(SITE).tmp \
	  && $(BIN)/python -m ivig_guide.emergency check $(SITE).tmp --docs docs >/dev/null; then \
	  rm -rf $(SITE) && mv $(SITE).tmp $(SITE) && echo "Built $(SITE)/"; \
	else \
	  rm -rf $(SITE).tmp $(SITE); echo "Build failed: $(SITE)/ was removed, nothing to publish." >&2; exit 1; \
	fi

serve: $(VENV)/.build-deps ## Live preview on http://127.0.0.1:8000
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

test: $(VENV)/.test-deps $(NODE_TOOLS)/node_modules/.installed test-fonts ## Run the whole test suite, browser tests included (what CI runs)
	$(BIN)/pytest

test-fast: $(VENV)/.test-deps ## Run the tests that need no browser and build the site at most once
	$(BIN)/pytest -m "not slow and not browser"

test-browser: $(VENV)/.test-deps $(NODE_TOOLS)/node_modules/.installed test-fonts ## Run only the browser tests
	$(BIN)/pytest -m browser

handouts: build browser ## Print the handouts (guide PDF, a PDF per page, emergency card) into site/ and check them
	$(BIN)/python -m ivig_guide.handouts $(SITE)

# The guide for a folder or USB stick, opened from file:// (mkdocs.offline.yml): guarded, its links checked
# (each must open a file), checked as rendered, then packed into the site it is published with.
offline: $(VENV)/.handout-deps browser ## Build site-offline/ (opened from file://), check it, pack $(SITE)/downloads/ivig-guide-offline.zip
	@rm -rf $(OFFLINE).tmp
	@if $(BIN)/mkdocs build --strict --config-file mkdocs.offline.yml --site-dir $(OFFLINE).tmp \
	  && $(BIN)/python -m ivig_guide.emergency check $(OFFLINE).tmp --docs docs >/dev/null \
	  && $(BIN)/python -m ivig_guide.offline check $(OFFLINE).tmp \
	  && $(BIN)/python -m ivig_guide.rendered check $(OFFLINE).tmp --config mkdocs.offline.yml; then \
	  rm -rf $(OFFLINE) && mv $(OFFLINE).tmp $(OFFLINE) \
	  && $(BIN)/python -m ivig_guide.offline zip $(OFFLINE) $(SITE)/downloads/ivig-guide-offline.zip; \
	else \
	  rm -rf $(OFFLINE).tmp $(OFFLINE); echo "Offline folder failed: $(OFFLINE)/ was removed, nothing was packed." >&2; exit 1; \
	fi

# HANDOUTS=true turns on the pages' links to the PDFs and to the offline zip, which only a release makes.
# The rendered check opens every copy of the guarded sections in Chromium, after the handouts, whose PDFs it also reads.
release: ## Strict build, handouts, offline zip, the emergency guard over every output and as rendered: site/ is published
	@if HANDOUTS=true $(MAKE) --no-print-directory build SITE=$(SITE) \
	  && $(MAKE) --no-print-directory offline SITE=$(SITE) \
	  && $(BIN)/python -m ivig_guide.handouts $(SITE) \
	  && $(BIN)/python -m ivig_guide.release check $(SITE) --docs docs \
	  && $(BIN)/python -m ivig_guide.rendered check $(SITE); then \
	  echo "Release ready in $(SITE)/"; \
	else \
	  rm -rf $(SITE); echo "Release failed: $(SITE)/ was removed, nothing to publish." >&2; exit 1; \
	fi

screenshots: build $(VENV)/.test-deps browser ## PNGs of every page (phone, desktop, print) in screenshots/, with an index.html
	$(BIN)/python tests/screenshots.py $(SITE) screenshots

check-rendered: build browser ## Check the guarded sections of site/ as Chromium renders them, in every copy
	$(BIN)/python -m ivig_guide.rendered check $(SITE)

check-emergency: build ## Check the emergency sections of the built site/ against the approved lock
	@$(BIN)/python -m ivig_guide.emergency check $(SITE) --docs docs || { rm -rf $(SITE); \
	  echo "$(SITE)/ was removed: do not publish it." >&2; exit 1; }

# PENDING=1: translations whose original was approved anew keep their wording, marked pending review.
approve-emergency: $(VENV)/.build-deps ## Show changes to emergency wording (every language) and approve them (BY="Name"; YES=1 skips the prompt, PENDING=1)
	@rm -rf $(SITE).approve
	@EMERGENCY_GUARD=approve $(BIN)/mkdocs build --strict --quiet --site-dir $(SITE).approve || { rm -rf $(SITE).approve; exit 1; }
	@status=0; $(BIN)/python -m ivig_guide.emergency approve $(SITE).approve --docs docs $(if $(YES),--yes) \
	  $(if $(PENDING),--pending) $(if $(BY),--by "$(BY)") || status=$$?; rm -rf $(SITE).approve; exit $$status

bench: $(VENV)/.test-deps $(NODE_TOOLS)/node_modules/.installed browser ## Benchmark: guard overhead, handouts, rendered check, page weight, Lighthouse and search
	$(BIN)/python tests/bench_guard.py
	$(BIN)/python tests/bench_handouts.py
	$(BIN)/python tests/bench_rendered.py
	$(BIN)/python tests/bench_pages.py
	$(BIN)/python tests/bench_search.py

lint: $(VENV)/.test-deps ## Lint, check formatting and check types (mypy --strict on hooks/)
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/mypy

clean: ## Remove built output and caches
	rm -rf $(SITE) $(SITE).tmp $(SITE).approve $(OFFLINE) $(OFFLINE).tmp screenshots .pytest_cache .hypothesis .ruff_cache
	find . -name __pycache__ -not -path './$(VENV)/*' -prune -exec rm -rf {} +

distclean: clean ## Also remove the virtual environment and the Node tools
	rm -rf $(VENV) $(NODE_TOOLS)/node_modules
