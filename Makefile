# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi

PYBABEL := $(BIN)/pybabel
CATALOGUES := $(wildcard app/translations/*/LC_MESSAGES/messages.po)

.PHONY: run test install lint upgrade seed translations

$(BIN)/activate: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/activate

# Compiled catalogues (.mo) are built here, not kept in git: `make install` makes them.
%.mo: %.po $(BIN)/activate
	$(PYBABEL) compile -i $< -o $@

install: $(BIN)/activate $(CATALOGUES:.po=.mo)

## After changing strings: extract them, update every catalogue, translate, then compile.
## --ignore-dirs: only hidden folders (.venv); Babel's default also skips templates/_macros.
translations: $(BIN)/activate
	$(PYBABEL) extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 --no-location \
	    --ignore-dirs='.*' --sort-output -o app/translations/messages.pot .
	$(PYBABEL) update -i app/translations/messages.pot -d app/translations \
	    --no-fuzzy-matching --ignore-obsolete
	$(MAKE) install

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
