# Sunlight: `make run` serves the demo hall, `make test` runs the tests.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint format bench scaled deb clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	@# Fonts are needed for crisp LED frames; without them the hall still runs
	@# and the console says what is missing.
	scripts/system-deps.sh run || echo "warning: continuing without the packages named above"
	$(PY) run.py serve --prepare --demo

test: $(STAMP)
	scripts/system-deps.sh test
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest -n 2 --dist loadgroup

# Several nodes on PostgreSQL behind nginx + Nchan, with Redis (README "Scaled deployment").
scaled: $(STAMP)
	scripts/system-deps.sh scaled
	$(PY) deploy/scaled.py

# A Debian package (dpkg-deb, no network) into dist/ (docs/deploy.md).
deb: $(STAMP)
	$(PY) deploy/debian/build.py

lint: $(STAMP)
	$(PY) -m ruff check . && $(PY) -m ruff format --check .

format: $(STAMP)
	$(PY) -m ruff check --fix . && $(PY) -m ruff format .

bench: $(STAMP)
	scripts/system-deps.sh bench
	$(PY) bench/poll.py
	$(PY) bench/search.py
	$(PY) bench/led.py
	$(PY) bench/guide_import.py
	$(PY) bench/push.py

clean:
	rm -rf $(VENV) test-output .pytest_cache dist
