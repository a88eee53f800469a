# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test install bench clean

$(PY):
	@PYBIN=$$(scripts/find-python) || exit 1; \
	echo "Creating $(VENV) with $$PYBIN"; \
	"$$PYBIN" -m venv $(VENV)

$(STAMP): $(PY) requirements.txt pyproject.toml
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

install: $(STAMP)
	$(VENV)/bin/triplec setup

# Migrates, loads the demo office (once) and starts every process of the embedded default.
demo: install
	$(VENV)/bin/triplec demo

# Every test, on the database DATABASE_URL names (SQLite by default).
test: install
	$(VENV)/bin/pytest

bench: install
	$(VENV)/bin/triplec bench run all

clean:
	rm -rf $(VENV) data
