# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi

.PHONY: run test install lint upgrade seed

$(BIN)/activate: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/activate

install: $(BIN)/activate

upgrade: install
	$(FLASK) db upgrade

seed: upgrade
	$(FLASK) seed-demo

## Set up everything and serve Helpsquare on http://127.0.0.1:5000 (SQLite, demo data).
run: seed
	$(FLASK) run --host 127.0.0.1 --port 5000

## Set up and run the whole test suite, then lint.
test: install
	$(BIN)/pytest -q
	$(BIN)/ruff check .

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
