# Every target sets up .venv itself, so a fresh clone needs only `make run` or `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
COURSE := content/istio-service-mesh
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-fast test-browser lint format bench serve migrations-check

$(STAMP): requirements.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $(STAMP)

# Serve the site with the Istio course loaded (SQLite by default, or DATABASE_URL).
run: $(STAMP)
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DJANGO_DEBUG=1 $(BIN)/python manage.py loadcourse $(COURSE)
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Every test: the suite (on DATABASE_URL, SQLite by default), then the browser journeys.
test: $(STAMP)
	$(BIN)/pytest -m "not browser" $(PYTEST_ARGS)
	$(MAKE) --no-print-directory test-browser

test-fast: $(STAMP)
	$(BIN)/pytest -m "not browser" -x $(PYTEST_ARGS)

test-browser: $(STAMP)
	$(BIN)/python -m tests.browser.ensure_chromium
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest -m browser tests/browser $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check lessons quizzes meshlearn tests
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format lessons quizzes meshlearn tests
