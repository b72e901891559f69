# crewdeck: `make run` opens the app on a demo workspace, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Reinstall when the dependencies change.
STAMP := $(VENV)/.installed-$(shell cksum < pyproject.toml | cut -d' ' -f1)
DEMO := var/demo.db
# Two workers: this suite's slow parts are processes waiting on each other.
PYTEST_WORKERS ?= 2

.PHONY: run test bench clean

$(STAMP): pyproject.toml
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

run: $(STAMP)
	@mkdir -p var
	@test -f $(DEMO) || $(BIN)/crewdeck demo $(DEMO)
	$(BIN)/crewdeck --workspace $(DEMO)

test: $(STAMP)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -q

bench: $(STAMP)
	$(BIN)/python tests/bench/run.py

clean:
	rm -rf $(VENV) var build *.egg-info .pytest_cache .hypothesis
