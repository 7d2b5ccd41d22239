# Engage: the two quick-start commands are `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.run-installed
TEST_STAMP := $(VENV)/.test-installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@ $(RUN_STAMP)

## run: set up, migrate, seed the demo partnership and serve it on http://127.0.0.1:8000
run: $(RUN_STAMP)
	$(BIN)/flask --app engage migrate
	$(BIN)/flask --app engage demo
	@echo "Serving Engage on http://$(HOST):$(PORT)  (Ctrl+C to stop)"
	ENGAGE_BIND=$(HOST):$(PORT) ENGAGE_WORKERS=$${ENGAGE_WORKERS:-3} $(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

## test: set up and run lint, the type checker and the whole test suite (SQLite; PostgreSQL when ENGAGE_TEST_DATABASE_URL is set)
test: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

lint: $(TEST_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(TEST_STAMP)
	$(BIN)/python bench/submit.py

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache tests/artifacts
