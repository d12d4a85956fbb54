# The two commands users need:
#   make reports   build every report into reports/ (and reports/index.html);
#                  unchanged reports are reused; options via ARGS, e.g.
#                  make reports ARGS="--only data_overview --force"
#   make test      run the whole test suite
# Each sets itself up: creates .venv if missing, installs the exact versions pinned
# in requirements-lock.txt, then the package itself (editable, no dependencies), and
# registers the project's Jupyter kernel.
#   make lock      recompile requirements-lock.txt from pyproject.toml after a
#                  dependency changed (keeps every pin that still fits);
#                  make lock ARGS=--upgrade moves every pin to the newest release.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
KERNEL := pak-afg-analysis
STAMP  := $(VENV)/.installed
LOCK   := requirements-lock.txt
PIP    := $(BIN)/python -m pip --quiet --disable-pip-version-check
# The lock is for CPython 3.11 on Linux x86_64 (the project's machines and CI).
LOCK_TARGET := --python-version 3.11 --python-platform x86_64-unknown-linux-gnu

.PHONY: reports test setup lock lint lab bench clean-reports help

help:
	@echo "make reports   build every report into reports/ (open reports/index.html)"
	@echo "make test      run the test suite"
	@echo "make setup     only create .venv, install and register the kernel"
	@echo "make lock      recompile requirements-lock.txt (ARGS=--upgrade for newest releases)"
	@echo "make lint      ruff check (also run by make test)"
	@echo "make lab       open the collection in JupyterLab with the project kernel"
	@echo "make bench     time the report build against a naive papermill + nbconvert loop"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python >= 3.11 required, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml $(LOCK) | $(BIN)/python
	$(PIP) install -r $(LOCK)
	$(PIP) install --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) \
		--display-name "Python (pak-afg-analysis)" > /dev/null
	@touch $(STAMP)

setup: $(STAMP)

# uv (a pinned dev dependency) resolves pyproject.toml's ranges, all extras, for the
# target above; pins already in the lock are kept unless ARGS=--upgrade.
lock: | $(BIN)/python
	@$(BIN)/uv --version > /dev/null 2>&1 || $(PIP) install "$$(grep -E '^uv==' $(LOCK) || echo uv)"
	$(BIN)/uv pip compile pyproject.toml --all-extras $(LOCK_TARGET) --quiet \
		--custom-compile-command "make lock" --output-file $(LOCK) $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

reports: $(STAMP)
	$(BIN)/analysis build $(ARGS)

test: $(STAMP)
	MPLBACKEND=Agg $(BIN)/python -m pytest

# JupyterLab on the whole project (src/analysis, data and reports one click away), the file
# browser opening on notebooks/. Jupyter refuses to run as root without --allow-root, so it is
# added when `id -u` is 0 (e.g. a container). Extra options via ARGS, e.g. ARGS=--no-browser.
lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" --LabApp.default_url=/lab/tree/notebooks \
		$$([ "$$(id -u)" = 0 ] && echo --allow-root) $(ARGS)

bench: $(STAMP)
	MPLBACKEND=Agg $(BIN)/python benchmarks/bench_build.py

clean-reports:
	find reports -maxdepth 1 -type f ! -name reports.yaml ! -name README.md -delete
