# The two commands users need:
#   make reports   build every report into reports/ (and reports/index.html);
#                  unchanged reports are reused; options via ARGS, e.g.
#                  make reports ARGS="--only data_overview --force"
#   make test      run the whole test suite
# Each sets itself up: creates .venv if missing, installs the package and its
# dependencies, and registers the project's Jupyter kernel.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
KERNEL := pak-afg-analysis
STAMP  := $(VENV)/.installed

.PHONY: reports test setup lab bench clean-reports help

help:
	@echo "make reports   build every report into reports/ (open reports/index.html)"
	@echo "make test      run the test suite"
	@echo "make setup     only create .venv, install and register the kernel"
	@echo "make lab       open the collection in JupyterLab with the project kernel"
	@echo "make bench     time the report build against a naive papermill + nbconvert loop"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python >= 3.11 required, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) \
		--display-name "Python (pak-afg-analysis)" > /dev/null
	@touch $(STAMP)

setup: $(STAMP)

reports: $(STAMP)
	$(BIN)/analysis build $(ARGS)

test: $(STAMP)
	MPLBACKEND=Agg $(BIN)/python -m pytest

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

bench: $(STAMP)
	MPLBACKEND=Agg $(BIN)/python benchmarks/bench_build.py

clean-reports:
	find reports -maxdepth 1 -type f ! -name reports.yaml ! -name README.md -delete
