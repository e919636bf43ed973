VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint bench eval clean

$(STAMP): pyproject.toml constraints.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/frontwatch run

test: $(STAMP)
	$(PY) -m pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check services shared tests bench
	$(VENV)/bin/mypy

bench: $(STAMP)
	$(PY) -m bench $(PARTS)

eval: $(STAMP)
	$(VENV)/bin/frontwatch eval ../shared/data/eval/dev.jsonl

clean:
	rm -rf $(VENV) .frontwatch
