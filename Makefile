# Engage: the two quick-start commands are `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.run-installed
TEST_STAMP := $(VENV)/.test-installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint bench clean translations translations-update browser-deps

# Interface catalogues: translations/<locale>/LC_MESSAGES/messages.po, and easy read's
# own domain in translations/en_GB/LC_MESSAGES/easyread.po (English's locale data).
BABEL_EXTRACT := -F babel.cfg -k N_ -k counted:1,2 -c Translators: --sort-by-file --no-wrap \
	--project=Engage --copyright-holder="Engage contributors"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@ $(RUN_STAMP)

## translations: compile the gettext catalogues (.mo files are build output)
translations: $(RUN_STAMP)
	$(BIN)/pybabel -q compile -d translations -D "messages easyread"

## translations-update: extract every respondent string into messages.pot and merge it into each catalogue
translations-update: $(RUN_STAMP)
	$(BIN)/pybabel -q extract $(BABEL_EXTRACT) -o translations/messages.pot .
	$(BIN)/pybabel -q update -i translations/messages.pot -d translations -D messages --no-wrap --ignore-obsolete
	$(BIN)/pybabel -q update -i translations/messages.pot -d translations -D easyread --no-wrap --ignore-obsolete
	$(MAKE) translations

## browser-deps: axe-core for the browser tests' accessibility audit (pinned in tests/browser/package.json)
browser-deps:
	cd tests/browser && npm ci --no-audit --no-fund --silent

## run: set up, migrate, seed the demo partnership and serve it on http://127.0.0.1:8000
run: $(RUN_STAMP) translations
	$(BIN)/flask --app engage migrate
	$(BIN)/flask --app engage demo
	@echo "Serving Engage on http://$(HOST):$(PORT)  (Ctrl+C to stop)"
	ENGAGE_BIND=$(HOST):$(PORT) ENGAGE_WORKERS=$${ENGAGE_WORKERS:-3} $(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

## test: set up and run lint, the type checker and the whole test suite (SQLite; PostgreSQL when ENGAGE_TEST_DATABASE_URL is set)
test: $(TEST_STAMP) translations browser-deps
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
