# Quickstart: `make demo` and `make test`. Each creates .venv when missing and installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test fuzz install clean browser

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# A demonstration, not a gate: audits every bundled example release and always exits 0.
demo: $(STAMP)
	@for release in fixtures/releases/*/; do \
		echo "== $$release"; \
		$(BIN)/audit "$$release" --fail-on never; \
		echo; \
	done

test: $(STAMP) browser
	$(BIN)/python -m pytest -q

# The parsers' property tests with 10,000 generated inputs each (`make test` runs 200): several minutes.
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -q tests/properties

# Headless Chromium for the HTML report's browser test (Debian's package; root, as on CI).
browser:
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

clean:
	rm -rf $(VENV) .pytest_cache
