# Cổng phúc lợi đoàn viên — everyday commands.
#
#   make run    local portal on http://127.0.0.1:8000/ (SQLite, Celery eager, demo data)
#   make test   the whole pytest suite (honours DATABASE_URL and REDIS_URL)
#
# Only python3.11 and make are needed; everything else goes into .venv.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
BENCH_ARGS ?=
BENCH_LOAD_ARGS ?=
# The deadline rush of `make bench-load`, in seconds (the issue's 2 minutes by default).
BENCH_RUSH_SECONDS ?= 120

# Locally the portal runs with DEBUG on, so no SECRET_KEY is needed. Production sets DEBUG=0
# in its own environment; pytest forces DEBUG off at runtime whatever this says.
export DEBUG ?= 1
# The browser tests drive Debian's /usr/bin/chromium; never let pip/Playwright fetch a browser.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

RUNTIME_STAMP := $(VENV)/.stamp-runtime
DEV_STAMP := $(VENV)/.stamp-dev

.PHONY: help run test lint migrate seed worker beat clean messages bench backup restore bench-load

help:
	@echo "make run      - install, migrate, seed demo data, serve http://$(HOST):$(PORT)/"
	@echo "make test     - install dev requirements and run the whole pytest suite"
	@echo "make lint     - ruff check ."
	@echo "make migrate  - apply migrations"
	@echo "make seed     - load the demo data (idempotent)"
	@echo "make worker   - Celery worker (needs REDIS_URL)"
	@echo "make beat     - Celery beat (needs REDIS_URL; run exactly one)"
	@echo "make bench    - benchmark suite on PostgreSQL (own database), writes BENCHMARKS.md"
	@echo "make bench-load - gunicorn + locust on 127.0.0.1 against the bench database, appends to BENCHMARKS.md"
	@echo "make backup   - pg_dump + uploaded files into var/backups/<time> (BACKUP=dir to choose)"
	@echo "make restore BACKUP=dir - restore a backup into an empty database and media folder"
	@echo "make clean    - remove .venv, caches and collected static files (keeps var/db.sqlite3)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# A stamp per requirements set: re-running `make run` / `make test` skips pip entirely
# until a requirements file changes.
$(RUNTIME_STAMP): requirements.txt | $(BIN)/python
	$(PIP) install -r requirements.txt
	touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(BIN)/python
	$(PIP) install -r requirements-dev.txt
	touch $@

run: $(RUNTIME_STAMP)
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	$(MANAGE) runserver $(HOST):$(PORT)

test: $(DEV_STAMP)
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(DEV_STAMP)
	$(BIN)/ruff check .

migrate: $(RUNTIME_STAMP)
	$(MANAGE) migrate --noinput

seed: migrate
	$(MANAGE) seed_demo

worker: $(RUNTIME_STAMP)
	$(BIN)/celery -A unionportal worker --loglevel=INFO --prefetch-multiplier=1

beat: $(RUNTIME_STAMP)
	$(BIN)/celery -A unionportal beat --loglevel=INFO --schedule=var/celerybeat-schedule

# The benchmark suite (bench/): DATABASE_URL names the PostgreSQL server (default
# postgres://postgres@127.0.0.1:5432/unionportal_bench); the suite drops and recreates its own
# *_bench databases there (one per scale: 0.1 and 1.0), never another, and writes the national data
# set into each. E.g. make bench BENCH_ARGS="--scenario quota_board --runs 5 --scale 0.1"; --fresh writes the data sets again.
bench: $(RUNTIME_STAMP)
	$(BIN)/python -m bench --output BENCHMARKS.md $(BENCH_ARGS)

# Load on this machine only: gunicorn on 127.0.0.1 against the scale-1.0 bench database (written
# first when missing), locust (requirements-dev.txt) in a second process: catalogue search at 50
# users, then the deadline rush of 200 officers for BENCH_RUSH_SECONDS. Appends to BENCHMARKS.md.
bench-load: $(DEV_STAMP)
	@$(BIN)/python -c "import locust" 2>/dev/null || { echo "locust is missing from $(VENV): pip install -r requirements-dev.txt" >&2; exit 1; }
	$(BIN)/python -m bench.load --output BENCHMARKS.md --rush-seconds $(BENCH_RUSH_SECONDS) $(BENCH_LOAD_ARGS)

# English catalogue: collect the Vietnamese source strings into locale/en/LC_MESSAGES/django.po,
# then compile it. New entries come out empty or fuzzy: translate them before committing.
messages: $(RUNTIME_STAMP)
	$(MANAGE) makemessages -l en --ignore=.venv --ignore=var --ignore=tests
	$(MANAGE) compilemessages -l en --ignore=.venv

# Backup and restore of PostgreSQL (DATABASE_URL) and the uploaded files (MEDIA_ROOT): see README,
# "Sao lưu và phục hồi". `make restore` needs BACKUP=<folder made by make backup>.
BACKUP ?=
backup:
	bash scripts/backup.sh $(BACKUP)

restore:
	bash scripts/restore.sh $(BACKUP)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache var/staticfiles var/screenshots var/celerybeat-schedule*
	find . -path ./.git -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
