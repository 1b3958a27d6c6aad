# The two commands for the day: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
# `make run` is the demo on one machine: debug on, console e-mail; links in mails and calendars
# point at the address it serves on unless SITE_URL is set. Production: see README.
RUN_ENV := DEBUG=$${DEBUG:-1} SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)}

.PHONY: install run test lint bench messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

run: install
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py seed_demo --attendees $${ATTENDEES:-120} $${DEMO_DATE:+--date $${DEMO_DATE}}
	$(RUN_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo "Serving on http://$(HOST):$(PORT)/ (staff pages: log in at /admin/)"
	$(RUN_ENV) $(BIN)/daphne -b $(HOST) -p $(PORT) config.asgi:application

lint: install
	$(BIN)/ruff check .

# A failed test runs once more: browser and multi-process tests wait on real time on a busy
# machine. The summary names every rerun (R); a test that fails twice fails the run.
test: install lint
	$(BIN)/python -m pytest --reruns 1 --reruns-delay 2

bench: install
	$(BIN)/python -m bench.pretix
	$(BIN)/python -m bench
	$(BIN)/python -m bench.fuzz
	$(BIN)/python -m bench.kill
	$(BIN)/python -m bench.poll
	$(BIN)/python -m bench.arrival
	$(BIN)/python -m bench.walkin
	$(BIN)/python -m bench.messages
	$(BIN)/python -m bench.sockets
	$(BIN)/python -m bench.map
	$(BIN)/python -m bench.push
	$(BIN)/python -m bench.day

# Update the Dutch catalogue after changing UI text; fill in the new msgstr, then compile.
messages: install
	$(BIN)/python manage.py makemessages -l nl --no-obsolete --no-location --ignore=.venv --ignore=tests --ignore=bench --ignore=staticfiles
	$(BIN)/python manage.py compilemessages -l nl --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache test_db_*.sqlite3*
