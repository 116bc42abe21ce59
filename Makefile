# Two commands do everything on a fresh machine: `make report` and `make test`.
# Each builds its own virtual environment from pyproject.toml first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: report test lint bench bench-render clean-venv

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test,dask]"
	$(BIN)/python -m ipykernel install --sys-prefix --name scrutiny --display-name "Python (scrutiny)" > /dev/null
	touch $(STAMP)

report: $(STAMP)
	$(BIN)/scrutiny render --all --jobs 2

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/pip install --quiet ruff
	$(BIN)/ruff check lib tests benchmarks

bench: $(STAMP)
	$(BIN)/python benchmarks/scale.py --kpi-months 1000000

bench-render: $(STAMP)
	$(BIN)/python benchmarks/render_batch.py --repeats 2 --jobs 2

clean-venv:
	rm -rf $(VENV)
