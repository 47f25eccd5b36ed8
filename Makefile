# contactnotes: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
export CONTACTNOTES_PUBLIC_BASE_URL ?= http://127.0.0.1:$(PORT)

.PHONY: run test test-faults lint install install-dev serve clean lock bench chromium libmagic

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "contactnotes needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# The lock files pin every package; the stamp files re-install only when a lock changes.
# libmagic sniffs uploaded files' real types (python-magic binds to it).
libmagic:
	@ldconfig -p | grep -q 'libmagic.so.1' || (apt-get update -qq && apt-get install -y -qq libmagic1 >/dev/null) \
		|| (echo "install libmagic (Debian/Ubuntu: apt-get install libmagic1)" && false)

$(VENV)/.installed: $(BIN)/python requirements/main.lock pyproject.toml | libmagic
	$(BIN)/pip install --quiet -r requirements/main.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements/dev.lock
	$(BIN)/pip install --quiet -r requirements/dev.lock
	touch $@

# Browser tests drive Debian's Chromium (never a downloaded browser build).
chromium:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) \
		|| (echo "install Debian's chromium package (apt-get install chromium) for the browser tests" && false)

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	$(BIN)/contactnotes migrate
	$(BIN)/contactnotes demo
	$(BIN)/contactnotes serve --port $(PORT)

serve: install
	$(BIN)/contactnotes serve --port $(PORT)

# pytest exits 5 when it collects no tests: not a failure of the code under test.
test: install-dev chromium
	$(BIN)/pytest -q -n auto || [ $$? -eq 5 ]

# Fault injection: SIGKILL of the API under load; a throw-away PostgreSQL cluster of the test's own (never the
# configured server) stopped and restarted under load.
test-faults: install-dev
	$(BIN)/pytest -q -m faults tests/faults || [ $$? -eq 5 ]

lint: install-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

# Regenerate the lock files after changing dependencies in pyproject.toml.
lock: install-dev
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 -q -o requirements/main.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 -q -o requirements/dev.lock

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis

# Benchmarks (never part of `make test`): needs PostgreSQL on 127.0.0.1:5432 and wrk (installed if missing).
SIZE ?= 1m
bench: install-dev
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python -m bench.run --size $(SIZE)
