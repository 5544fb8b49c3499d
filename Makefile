# Sunlight: `make run` serves the demo hall, `make test` runs the tests.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint format bench scaled deb clean voice

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	@# Fonts are needed for crisp LED frames; without them the hall still runs
	@# and the console says what is missing.
	scripts/system-deps.sh run || echo "warning: continuing without the packages named above"
	$(MAKE) voice || echo "warning: no default voice clips (espeak-ng missing?): calls are shown, not spoken"
	$(PY) run.py serve --prepare --demo

# The calls' default voice clips (请, 号, 到, 窗口, 办理, digits, letters, a chime), made with
# espeak-ng into the instance folder; not committed (generated, and a hall may record its own).
voice: $(STAMP)
	$(PY) -c 'from calling.voice import main; main(["instance/calling/clips"])'

test: $(STAMP)
	scripts/system-deps.sh test
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest -n 2 --dist loadgroup

# Several nodes on PostgreSQL behind nginx + Nchan, with Redis (docs/deploying.md, "Scaled deployment").
scaled: $(STAMP)
	scripts/system-deps.sh scaled
	$(PY) deploy/scaled.py

# A Debian package (dpkg-deb, no network) into dist/ (docs/deploying-separate-machines.md).
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
	$(PY) bench/shared_parts.py
	$(PY) bench/guide_import.py
	$(PY) bench/push.py
	$(PY) bench/calling.py

clean:
	rm -rf $(VENV) test-output .pytest_cache dist
