# Every target sets up .venv itself, so a fresh clone needs only `make run` or `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
COURSE := content/istio-service-mesh
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-fast test-browser lint format bench serve secret-key migrations-check

# WeasyPrint (certificate PDFs) loads Pango through ctypes: Debian's packages, installed only
# when missing (needs root, as on the project's machines and CI).
PANGO_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core

$(STAMP): requirements.txt
	@dpkg -s $(PANGO_PACKAGES) >/dev/null 2>&1 || { echo "Installing Debian's $(PANGO_PACKAGES) for WeasyPrint"; apt-get update -q && apt-get install -y -q $(PANGO_PACKAGES); }
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
# The suite runs in TEST_WORKERS processes (pytest-xdist; each has its own test database).
TEST_WORKERS ?= 2
test: $(STAMP)
	$(BIN)/pytest -m "not browser" -n $(TEST_WORKERS) $(PYTEST_ARGS)
	$(MAKE) --no-print-directory test-browser

test-fast: $(STAMP)
	$(BIN)/pytest -m "not browser" -x $(PYTEST_ARGS)

test-browser: $(STAMP)
	$(BIN)/python -m tests.browser.ensure_chromium
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest -m browser tests/browser $(PYTEST_ARGS)

APPS := meshlearn shared sso accounts teams certificates coursefiles quizzes lab practice lessons calculator istio_checker course_format

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check $(APPS) tests bench
	$(BIN)/lint-imports
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

# Production settings under gunicorn, with WhiteNoise serving hashed, compressed static files.
# The secret comes from DJANGO_SECRET_KEY; without one, a throwaway key is generated into the
# untracked file .secret_key (fine on this machine, never for a real deployment). The deploy
# check runs on the settings as configured (TLS at a proxy in front). Behind such a proxy run
# `make serve BEHIND_TLS=1`; the default is a plain-HTTP trial on loopback, which turns off only
# the three TLS-only switches (HTTPS redirect, HSTS, Secure cookies) for gunicorn, and says so.
SECRET_FILE := .secret_key
WORKERS ?= 2
BEHIND_TLS ?= 0
PROD_ENV = DJANGO_DEBUG=0 DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$(cat $(SECRET_FILE))}" \
	DJANGO_ALLOWED_HOSTS="$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	MESHLEARN_SITE_URL="$${MESHLEARN_SITE_URL:-http://$(HOST):$(PORT)}"
PLAIN_HTTP_ENV = DJANGO_SSL_REDIRECT=0 DJANGO_HSTS_SECONDS=0 DJANGO_SECURE_COOKIES=0

secret-key:
	@if [ -z "$$DJANGO_SECRET_KEY" ] && [ ! -s $(SECRET_FILE) ]; then \
		echo "DJANGO_SECRET_KEY is not set: generating a throwaway key into $(SECRET_FILE) (untracked; for local runs only)"; \
		umask 077; $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(64))" > $(SECRET_FILE); \
	fi

# gunicorn's --timeout kills a worker that has been silent that long. A lab check never gets
# near it: the checker stops itself at its work budget (400 000 steps, or 5 s of wall-clock at
# most: istio_checker/budget.py) and answers with a partial result. 30 s is six times that
# deadline, room for a slow page on a busy machine and for a staff course upload: up to 16 MB,
# 7.5-11 s of CPU (course_format/yamlfile.py, docs/authoring.md); bigger go by loadcourse.
GUNICORN_TIMEOUT := 30

serve: $(STAMP) secret-key
	$(PROD_ENV) $(BIN)/python manage.py check --deploy --fail-level WARNING
	$(PROD_ENV) $(BIN)/python manage.py collectstatic --no-input -v 0
	$(PROD_ENV) $(BIN)/python manage.py migrate --no-input
	$(PROD_ENV) $(BIN)/python manage.py loadcourse $(COURSE)
	@if [ "$(BEHIND_TLS)" = "1" ]; then \
		echo "Serving production settings on http://$(HOST):$(PORT) for a TLS proxy in front"; \
		$(PROD_ENV) exec $(BIN)/gunicorn meshlearn.wsgi -w $(WORKERS) -b $(HOST):$(PORT) --timeout $(GUNICORN_TIMEOUT) --access-logfile -; \
	else \
		echo "Plain-HTTP trial on http://$(HOST):$(PORT): HTTPS redirect, HSTS and Secure cookies are OFF (use BEHIND_TLS=1 behind a TLS proxy)"; \
		$(PROD_ENV) $(PLAIN_HTTP_ENV) exec $(BIN)/gunicorn meshlearn.wsgi -w $(WORKERS) -b $(HOST):$(PORT) --timeout $(GUNICORN_TIMEOUT) --access-logfile -; \
	fi

# The speed goal: the classroom run (simulated learners under Locust, in steps, against
# `make serve`), plus single-page wrk rows (Debian's wrk; information) and the lesson page's
# compressed weight, on SQLite then PostgreSQL; loopback only. Not a test: it prints figures.
# `make bench BEFORE=<git ref>` also runs the classroom on that ref, in the same run; QUICK=1
# (or BENCH_QUICK=1) is a short run. docs/performance.md: what it measures, its settings.
BENCH_VENV := .venv-bench
BENCH_STAMP := $(BENCH_VENV)/.installed

$(BENCH_STAMP): bench/requirements.txt
	test -d $(BENCH_VENV) || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install --quiet -r bench/requirements.txt
	touch $(BENCH_STAMP)

# The team pages' and course-load parts (BENCH_PARTS=teams,load) run in the site's venv: no wrk, no Locust.
bench: $(STAMP)
	@case ",$${BENCH_PARTS:-wrk,cpu,classroom,teams,load}," in *,wrk,*|*,classroom,*) $(MAKE) --no-print-directory $(BENCH_STAMP);; esac
	@case ",$${BENCH_PARTS:-wrk,cpu,classroom,teams,load}," in *,wrk,*) command -v wrk >/dev/null || { echo "wrk not found: installing Debian's package"; apt-get update -q && apt-get install -y -q wrk; };; esac
	$(if $(BEFORE),BENCH_BEFORE="$(BEFORE)") $(if $(QUICK),BENCH_QUICK=1) $(BIN)/python bench/run.py

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format $(APPS) tests bench
