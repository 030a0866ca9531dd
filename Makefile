# Quizsite: `make run` serves the demo site, `make test` runs every test. Both set themselves up.
PYTHON ?= python3.11
VENV := .venv
PORT ?= 8000
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/quizsite

# The environment is installed by uv from uv.lock, exactly as CI tested it; uv itself is
# installed from PyPI into .tools/ at the version pinned here, with the machine's Python.
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
RUN := $(UV) run --locked
export UV_PYTHON := $(PYTHON)
export UV_PYTHON_DOWNLOADS := never

REDIS_URL ?= redis://127.0.0.1:6379/12

.PHONY: run serve bench load load-cluster capacity browser test test-postgres lint format clean

# $(call debian,program): install Debian's package of that name when the program is missing and
# this is root with apt (the benchmarks' wrk and HAProxy, the end-to-end tests' Chromium).
debian = command -v $(1) >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	echo "Installing Debian's $(1)" && \
	{ DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1) >/dev/null 2>&1 || \
	  { apt-get update -qq >/dev/null 2>&1 && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1) >/dev/null 2>&1; }; }; } || true

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# Sync only when the dependencies or the lock change, so running again is fast.
$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked
	touch $@

run: $(VENV)/.installed
	DJANGO_DEBUG=1 $(RUN) python manage.py migrate --noinput
	DJANGO_DEBUG=1 $(RUN) python manage.py setup_demo
	DJANGO_DEBUG=1 $(RUN) python manage.py runserver 127.0.0.1:$(PORT)

# Production-like: DEBUG off, gunicorn, static files from whitenoise. Needs DJANGO_SECRET_KEY.
serve: $(VENV)/.installed
	$(RUN) python manage.py migrate --noinput
	$(RUN) python manage.py collectstatic --noinput --verbosity 0
	DJANGO_INSECURE_HTTP=$${DJANGO_INSECURE_HTTP:-1} $(RUN) gunicorn quizsite.wsgi --bind 127.0.0.1:$(PORT) --workers $${WEB_CONCURRENCY:-4}

# The answer loop against the ceiling view (README, "Benchmark"): SQLite, then PostgreSQL when
# DATABASE_URL is set or 127.0.0.1:5432 answers. wrk comes from Debian; without it (no root, no
# apt) the script says so and uses its own asyncio client. BENCH_ARGS passes options through.
bench: $(VENV)/.installed
	@$(call debian,wrk)
	$(RUN) python benchmarks/answer_loop.py $(BENCH_ARGS)

# A class of 200 under load and faults (README, "Load and fault test"): SQLite, then PostgreSQL
# when POSTGRES_URL's server answers. LOAD_ARGS passes options through (--students, --db, ...).
load: $(VENV)/.installed
	$(RUN) python benchmarks/class_under_load.py --pg-url $(dir $(POSTGRES_URL))postgres $(LOAD_ARGS)

# Two app servers behind HAProxy (deploy/haproxy.cfg, from Debian), sharing PostgreSQL and Redis:
# sessions across servers, one whole server killed mid-class (README, "More than one server").
load-cluster: $(VENV)/.installed
	@$(call debian,haproxy)
	$(RUN) python benchmarks/class_under_load.py --servers 2 --db postgres \
		--pg-url $(dir $(POSTGRES_URL))postgres --redis-url $(REDIS_URL) $(LOAD_ARGS)

# How big a class one server holds, at growing sizes, per configuration (README, "Capacity").
# Long: about five minutes a size. CAPACITY_ARGS passes options through (--sizes, --configs).
capacity: $(VENV)/.installed
	$(RUN) python benchmarks/capacity.py --pg-url $(dir $(POSTGRES_URL))postgres \
		--redis-url $(REDIS_URL) $(CAPACITY_ARGS)

lint: $(VENV)/.installed
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) bandit -q -r quizzes quizsite -lll
	DJANGO_DEBUG=1 $(RUN) mypy quizzes/kinds quizzes/grading.py quizzes/statistics.py quizzes/passages.py quizzes/schedules.py quizzes/rosters.py quizzes/review_options.py quizzes/exchange
	DJANGO_DEBUG=1 $(RUN) python manage.py makemigrations --check --dry-run

format: $(VENV)/.installed
	$(RUN) ruff format .
	$(RUN) ruff check --fix .

# The end-to-end tests drive Debian's Chromium (Playwright cannot download browsers here): installed
# when missing and this is root with apt; otherwise the tests that need it are skipped, said plainly.
browser:
	@$(call debian,chromium)
	@if command -v chromium >/dev/null; then echo "End-to-end tests run in $$(command -v chromium)."; \
	else echo "NOTE: chromium is not installed, so the end-to-end browser tests are SKIPPED" \
	"(install Debian's package as root: apt-get install -y chromium)."; fi

test: lint browser
	$(RUN) pytest

test-postgres: $(VENV)/.installed
	DATABASE_URL=$(POSTGRES_URL) $(RUN) pytest -m "not e2e"

clean:
	rm -rf $(VENV) $(TOOLS) staticfiles
