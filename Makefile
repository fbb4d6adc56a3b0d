# The two commands of the README: `make build` and `make test`.
# Both set up a fresh machine first (Debian packages, then a virtualenv).
# Tests run with ZJTX_PLUGINS empty: only built-in plugins, whatever is installed;
# a test that needs an installed or local plugin allows it explicitly.
#
# Test tiers (markers in pyproject.toml): `site` builds sites with mkdocs,
# `browser` drives headless Chromium, `slow` are long property tests.
#   make test       lint (ruff, mypy) and every tier: what CI runs
#   make test-fast  the edit loop: unit tests only, in parallel (under a minute)
VENV ?= .venv
PYTHON ?= python3
STAMP := $(VENV)/.installed
PYTEST := ZJTX_PLUGINS= $(VENV)/bin/python -m pytest

.PHONY: build test test-fast lint setup bench clean

# The example site is built with this project's own plugins (plugins/); the example
# package installed for the tests (examples/zjtx-plugin-guangdong) stays out of it.
SITE_PLUGINS ?= local:industry_code

build: setup
	ZJTX_PLUGINS=$(SITE_PLUGINS) $(VENV)/bin/zjtx build --pdf

test: setup lint
	$(PYTEST) -n auto

test-fast: setup
	$(PYTEST) -n auto -m "not site and not browser and not slow"

lint: setup
	$(VENV)/bin/ruff check zjtx_site tests benchmarks examples plugins
	$(VENV)/bin/mypy

bench: setup
	$(VENV)/bin/python benchmarks/run.py
	$(VENV)/bin/python benchmarks/site_bench.py
	$(VENV)/bin/python benchmarks/classify_bench.py

setup: $(STAMP)

$(STAMP): pyproject.toml scripts/install-system-deps
	bash scripts/install-system-deps
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[test,zensical]'
	$(VENV)/bin/python -m pip install --quiet -e examples/zjtx-plugin-guangdong
	touch $(STAMP)

clean:
	rm -rf $(VENV) site .zjtx
