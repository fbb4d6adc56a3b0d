# The two commands of the README: `make build` and `make test`.
# Both set up a fresh machine first (Debian packages, then a virtualenv).
# Tests run with ZJTX_PLUGINS empty: only built-in plugins, whatever is installed;
# a test that needs an installed plugin allows it explicitly.
VENV ?= .venv
PYTHON ?= python3
STAMP := $(VENV)/.installed

.PHONY: build test setup bench clean

build: setup
	$(VENV)/bin/zjtx build

test: setup
	ZJTX_PLUGINS= $(VENV)/bin/python -m pytest

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
