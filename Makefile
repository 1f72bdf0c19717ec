# Set-up is part of every target: `make report` and `make test` work on a fresh machine
# that has only Python 3.11 and make. Nothing is downloaded at run time.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
UV_HOME := .uv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)
export MPLCONFIGDIR := $(CURDIR)/$(VENV)/mplconfig
export MPLBACKEND := Agg
UV := $(shell command -v uv 2>/dev/null || echo $(CURDIR)/$(UV_HOME)/bin/uv)
INSTALLED := $(VENV)/.spin-installed
CMUDICT := $(VENV)/share/nltk_data/corpora/cmudict/cmudict
OUT ?= out

.PHONY: setup test test-fast report figures benchmarks clean

setup: $(INSTALLED) $(CMUDICT)

$(UV_HOME)/bin/uv:
	$(PYTHON) -m venv $(UV_HOME)
	$(UV_HOME)/bin/python -m pip install --quiet --disable-pip-version-check "uv>=0.9,<1"

$(INSTALLED): pyproject.toml uv.lock | $(if $(findstring $(UV_HOME),$(UV)),$(UV_HOME)/bin/uv)
	$(UV) sync --frozen --python $(PYTHON)
	mkdir -p $(MPLCONFIGDIR)
	touch $@

$(CMUDICT): $(INSTALLED)
	$(VENV)/bin/python -m spin.offline

test: setup
	$(VENV)/bin/python -m pytest

report: setup
	$(VENV)/bin/spin analyze seeds --out $(OUT)
	rm -rf figures/*.png figures/*.svg
	cp $(OUT)/figures/*.png $(OUT)/figures/*.svg figures/ 2>/dev/null || true

benchmarks: setup
	for script in benchmarks/*.py; do $(VENV)/bin/python $$script || exit 1; done

clean:
	rm -rf $(VENV) $(UV_HOME) $(OUT)
