# Two commands matter: `make run` (the app with demo data on SQLite) and `make test` (the suite).
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
# v1 stays loaded (frozen) so that demo orgs can have a v1 result before their v2 ones.
BANKS := assessment/content/cs-maturity-v1.yaml assessment/content/cs-maturity-v2.yaml
PORT ?= 8000
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help install chromium tools wrk demo run lint format test bench loadtest
.DEFAULT_GOAL := help

# Every target has one line here (tests/config/test_makefile.py checks it).
help:
	@echo "make run      - make demo, serve :PORT (8000; PORT=8001 etc.), worker and reminder loop in var/"
	@echo "make test     - install what the tests need (Chromium included), lint, and run the suite"
	@echo "make install  - create .venv and install the app with its test tools from the lock file"
	@echo "make demo     - install, migrate SQLite, load the question banks and the demo data (once)"
	@echo "make lint     - ruff check and format check, changing nothing"
	@echo "make format   - ruff fix and format, in place"
	@echo "make bench    - one table of page timings with ratios to bare-view baselines (throwaway DB)"
	@echo "make loadtest - gunicorn under load: 60 s concurrent autosave soak and wrk throughput"
	@echo "make tools    - Chromium (apt) and axe-core (npm) for the browser tests"
	@echo "make chromium - Debian's Chromium only, which Playwright drives in the browser tests"
	@echo "make wrk      - the wrk load generator (apt), for make loadtest"
	@echo "make help     - this list"

$(STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c config/requirements.lock -e ".[test]"
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

# Browser tests drive Debian's Chromium; Playwright cannot download its own browser here.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }

# axe-core (accessibility checks injected by the browser tests) comes from the npm registry.
AXE := tests/browser/axe
$(AXE)/node_modules/.installed: $(AXE)/package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nodejs npm >/dev/null; }
	npm ci --silent --prefix $(AXE)
	@touch $@

# wrk drives the throughput half of the load test.
wrk:
	@command -v wrk >/dev/null 2>&1 || { \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq wrk >/dev/null; }

tools: chromium $(AXE)/node_modules/.installed

demo: install
	@mkdir -p var
	DEBUG=1 $(PY) manage.py migrate --noinput
	for bank in $(BANKS); do DEBUG=1 $(PY) manage.py load_questionnaire $$bank || exit 1; done
	DEBUG=1 PORT=$(PORT) $(PY) manage.py demo_data

# The task worker runs beside the web server in its own session (setsid), so one kill of its
# process group stops both the autoreloader and the worker it restarts on code changes. Ctrl-C
# stops runserver; the trap then stops the worker. Development emails land in the worker's log.
# The reminder scheduler runs the same way, in a loop every NOTIFY_EVERY seconds (production runs
# it from cron or a systemd timer: docs/deploy.md); links in its emails lead to this server.
WORKER_PID := var/worker-$(PORT).pid
WORKER_LOG := var/worker-$(PORT).log
NOTIFY_PID := var/notify-$(PORT).pid
NOTIFY_LOG := var/notify-$(PORT).log
NOTIFY_EVERY ?= 300
SITE := http://127.0.0.1:$(PORT)
run: demo
	@DEBUG=1 setsid $(PY) manage.py db_worker --no-startup-delay >$(WORKER_LOG) 2>&1 & \
	worker=$$!; echo $$worker >$(WORKER_PID); \
	DEBUG=1 SITE_URL=$(SITE) setsid sh -c 'while :; do $(PY) manage.py send_due_notifications; \
		sleep $(NOTIFY_EVERY); done' >$(NOTIFY_LOG) 2>&1 & \
	notify=$$!; echo $$notify >$(NOTIFY_PID); \
	trap 'kill -TERM -$$worker -$$notify 2>/dev/null; rm -f $(WORKER_PID) $(NOTIFY_PID)' \
		EXIT INT TERM; \
	echo "Task worker: pid $$worker, log $(WORKER_LOG) (development emails appear there)"; \
	echo "Reminders: pid $$notify, every $(NOTIFY_EVERY) s, log $(NOTIFY_LOG)"; \
	echo "Stagewise: $(SITE)/"; \
	DEBUG=1 SITE_URL=$(SITE) $(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: install tools lint
	@mkdir -p var
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest -n 2 --dist loadfile

# Benchmarks print figures (medians and ratios measured in the same run); they assert nothing.
BENCH_DB := var/bench.sqlite3
bench: install
	@mkdir -p var && rm -f $(BENCH_DB)*
	DEBUG=1 DATABASE_URL=sqlite:///$(CURDIR)/$(BENCH_DB) $(PY) manage.py migrate -v0
	DEBUG=1 DATABASE_URL=sqlite:///$(CURDIR)/$(BENCH_DB) $(PY) manage.py bench

# 20 respondents autosaving for 60 s against gunicorn (SQLite, then PostgreSQL when reachable),
# every acknowledged save checked afterwards; then wrk throughput beside the bare view.
loadtest: install wrk
	@mkdir -p var
	$(PY) tests/load/run.py
