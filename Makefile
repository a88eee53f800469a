# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test test-shifted browser install lint lock bench clean

$(PY):
	@PYBIN=$$(scripts/find-python) || exit 1; \
	echo "Creating $(VENV) with $$PYBIN"; \
	"$$PYBIN" -m venv $(VENV)

# The lock: every package of the product and its tools, exact versions with hashes (made by `make lock`).
$(STAMP): $(PY) requirements-dev.txt pyproject.toml
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.txt
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

install: $(STAMP)
	$(VENV)/bin/triplec setup

# Migrates, loads the demo office (once) and starts every process of the embedded default.
demo: install
	$(VENV)/bin/triplec demo

# Debian's Chromium for the browser tests: installed through apt when missing (as root), else a clear message.
browser:
	@scripts/ensure-chromium

# Every test, on the database DATABASE_URL names (SQLite by default).
test: install browser
	$(VENV)/bin/pytest

# Every test with every Python process's clock shifted 400 days ahead (the suite must pass on any date).
test-shifted: install browser
	PYTHONPATH=$(CURDIR)/scripts/shifted-clock TRIPLEC_TEST_SHIFT_DAYS=$${TRIPLEC_TEST_SHIFT_DAYS:-400} $(VENV)/bin/pytest

# Lint and format (ruff) and the layers contract (import-linter); CI runs it before the tests.
lint: install
	$(VENV)/bin/ruff check triplec bench conftest.py scripts
	$(VENV)/bin/ruff format --check triplec bench conftest.py scripts
	$(VENV)/bin/lint-imports

# Lock again after changing pyproject.toml's dependencies: requirements.txt is what production installs,
# requirements-dev.txt adds the tests' and linters' tools. Versions already locked are kept where they still fit.
lock: install
	$(VENV)/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe -o requirements.txt pyproject.toml
	$(VENV)/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --extra dev -o requirements-dev.txt pyproject.toml

bench: install
	$(VENV)/bin/triplec bench run all

clean:
	rm -rf $(VENV) data
