# Everything a new machine needs is installed from here; only Python 3.11+ and make are assumed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000

.PHONY: run test lint format worker beat migrate seed clean screenshots bench

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "coproduce needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	@touch $@ $(VENV)/.installed-run

migrate: $(VENV)/.installed-run
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

# Links in emails and text messages lead to where `make run` serves (SITE_URL set in the
# environment wins). The worker and beat send messages too, so they follow the same HOST.
run worker beat: export SITE_URL ?= http://$(HOST)

run: seed
	@echo
	@echo "coproduce is starting at http://$(HOST)/ (links in emails lead to $$SITE_URL)"
	@echo "Sign in with any demo account, for example expert1@example.org,"
	@echo "practitioner1@example.org or commissioner1@example.org; every demo password is coproduce-demo."
	@echo "Emails (sign-in codes, verification links) are printed in this terminal."
	@echo
	$(BIN)/python manage.py runserver $(HOST)

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Speed at a partnership's size and at a tenth of it (bench/run.py; needs PostgreSQL, Redis
# and wrk). Writes bench/results.json. BENCH_ARGS="--seconds 10 --rounds 3" for a longer run.
bench: $(VENV)/.installed-dev
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# The README's pictures of the key pages, phone and desktop (tests/browser/test_screenshots.py).
screenshots: $(VENV)/.installed-dev
	SCREENSHOT_DIR=docs/screenshots $(BIN)/python -m pytest -m screenshots -q -p no:cacheprovider tests/browser

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

worker: $(VENV)/.installed-run
	$(BIN)/celery -A coproduce worker --loglevel=INFO

beat: $(VENV)/.installed-run
	$(BIN)/celery -A coproduce beat --loglevel=INFO --schedule=$(VENV)/celerybeat-schedule

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles sent_emails .pytest_cache .mypy_cache .ruff_cache
