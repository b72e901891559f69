# crewdeck: `make run` opens the app on a demo workspace, `make test` runs the suite,
# `make check` only its habits (lint, format, import rules, types, packaging),
# `make test-all` the suite and its slow tests (pyproject's "slow" marker).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# A new environment when the dependencies change.
DEPS := $(VENV)/.deps-$(shell cksum < pyproject.toml | cut -d' ' -f1)
# crewdeck is installed "strict" editable: a tree of links under build/ that
# maps crewdeck.sync, .tui and .widgets onto the three folders, which the type
# checker can follow (the default editable install hides the mapping behind an
# import hook).  A new module needs a new link: install again when the list
# of source files changes.  pip compiles what it installs, but not the links
# of an editable install: compiled here, or every process started with
# PYTHONDONTWRITEBYTECODE set compiles every module it imports, every time.
SOURCES := $(shell find sync tui widgets \( -name '*.py' -o -name '*.tcss' -o -name py.typed \) | LC_ALL=C sort | cksum | cut -d' ' -f1)
INSTALLED := $(VENV)/.installed-$(SOURCES)
DEMO := var/demo.db
# Three workers on two cores: a quarter of the suite's time is processes waiting on each other (servers coming up,
# PostgreSQL, Chromium), which a third worker fills (12 min 37 s with two, 9 min 45 s with three, on this machine).
PYTEST_WORKERS ?= 3

.PHONY: run test test-all check bench clean terminal-widths

$(DEPS): pyproject.toml
	rm -rf $(VENV) build
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade 'setuptools>=68' wheel
	$(BIN)/pip install --quiet --disable-pip-version-check --no-build-isolation -e '.[test]' --config-settings editable_mode=strict
	touch $@

$(INSTALLED): $(DEPS)
	rm -f $(VENV)/.installed-*
	rm -rf build/__editable__*
	$(BIN)/pip install --quiet --disable-pip-version-check --no-build-isolation --no-deps -e . --config-settings editable_mode=strict
	$(BIN)/python -m compileall -q build
	touch $@

run: $(INSTALLED)
	@mkdir -p var
	@test -f $(DEMO) || $(BIN)/crewdeck demo $(DEMO)
	$(BIN)/crewdeck --workspace $(DEMO)

# The system packages the suite uses: installed where this user can, else
# one line says which are missing and which tests skip without them.
# pytest keeps each test file as it rewrote its asserts (tests/__pycache__),
# but not where PYTHONDONTWRITEBYTECODE is set: every worker of every run
# then rewrote all of them again, ~12 s of CPU each before the first test.
PYTEST := PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest
test: $(INSTALLED)
	@bash .ci/system-packages
	$(PYTEST) -n $(PYTEST_WORKERS) -q

# The suite and the tests too slow for it (big counts, long soaks): `-m slow` alone runs only those.
test-all: $(INSTALLED)
	@bash .ci/system-packages
	$(PYTEST) -n $(PYTEST_WORKERS) -q -m "slow or not slow"

# The app's table of character widths, written from the command line's measure for this Python's Unicode (the app
# measures afresh at start, half a second, under another Unicode).
terminal-widths: $(INSTALLED)
	$(BIN)/python -m crewdeck.tui.app.terminal_cells > tui/app/terminal_widths.py.new
	mv tui/app/terminal_widths.py.new tui/app/terminal_widths.py

check: $(INSTALLED)
	$(BIN)/python -m pytest -n 0 -q tests/test_habits.py tests/test_packaging.py

# The benchmarks compare with the peer kit: ../shared/peers, or PEERS_DIR.
bench: $(INSTALLED)
	$(BIN)/python tests/bench/run.py

clean:
	rm -rf $(VENV) var build *.egg-info .pytest_cache .hypothesis .mypy_cache .ruff_cache
