# Two commands do everything on a fresh machine: `make report` and `make test`.
# Each builds its own virtual environment from pyproject.toml first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: report test lint bench bench-render bench-startup bench-rerender bench-executors bench-pdf clean-venv

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test,dask,pdf]"
	# The "Python (scrutiny)" kernel, and the git filter that strips outputs and language_info from
	# notebooks on their way into git, so JupyterLab's autosave leaves `git status` clean
	# (.gitattributes names the filter; each checkout uses its own .venv).
	$(BIN)/scrutiny kernel install --sys-prefix > /dev/null
	touch $(STAMP)

# PDFs beside the HTML need Debian's chromium (apt-get install chromium); `make report PDF=` skips them.
PDF ?= --pdf
report: $(STAMP)
	$(BIN)/scrutiny render --all --jobs 2 $(PDF)

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/pip install --quiet ruff
	$(BIN)/ruff check lib tests benchmarks

bench: $(STAMP)
	$(BIN)/python benchmarks/scale.py --kpi-months 1000000

bench-render: $(STAMP)
	$(BIN)/python benchmarks/render_batch.py --repeats 2 --jobs 2

bench-startup: $(STAMP)
	$(BIN)/python benchmarks/startup.py --repeats 7

bench-rerender: $(STAMP)
	$(BIN)/python benchmarks/rerender.py --jobs 2

bench-executors: $(STAMP)
	$(BIN)/python benchmarks/executors.py --reports 17 50 200 --jobs 2

bench-pdf: $(STAMP)
	$(BIN)/python benchmarks/pdf.py --repeats 1 --jobs 2 --reports 12

clean-venv:
	rm -rf $(VENV)
