# Quickstart: `make demo` and `make test`. Each creates .venv when missing and installs what it needs;
# neither needs root.
PYTHON ?= python3
MIN_PYTHON := 3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test fuzz install clean browser model

# The version is checked before anything is made; a venv or an install that fails is removed
# whole, so the next run starts clean instead of trusting a half-made .venv.
$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] < tuple(map(int, "$(MIN_PYTHON)".split("."))))' 2>/dev/null \
		|| { echo "make: osaid-audit needs Python $(MIN_PYTHON) or newer, and $(PYTHON) is $$(command -v $(PYTHON) >/dev/null && $(PYTHON) --version 2>&1 || echo 'not found'): run make PYTHON=python$(MIN_PYTHON) (or newer)" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); echo "make: $(PYTHON) -m venv failed; removed the half-made $(VENV)" >&2; exit 1; }

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip && $(BIN)/python -m pip install --quiet -e '.[test]' \
		|| { rm -rf $(VENV); echo "make: installing into $(VENV) failed; removed it so the next run starts clean" >&2; exit 1; }
	touch $(STAMP)

install: $(STAMP)

# A demonstration, not a gate: audits every bundled example release in one run (each report, each
# gate's result on stderr, then a summary table of them all), and always exits 0.
demo: $(STAMP)
	@$(BIN)/audit fixtures/releases/*/ || true

test: $(STAMP) browser
	$(BIN)/python -m pytest -q

# Retrains the clause model (auditor/data/clause_model.json) from the labelled model licence corpus:
# exports the texts from local mirrors into the cache (a text whose mirror is absent is named and
# the training refuses), then trains with scikit-learn, a development dependency only.
model: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,model]'
	$(BIN)/python bench/model_licence_corpus.py
	$(BIN)/python bench/train_clause_model.py

# The parsers' property tests with 10,000 generated inputs each (`make test` runs 200): several minutes.
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -q tests/properties

# Headless Chromium for the HTML report's browser test: Debian's package, installed only as root and
# when asked (CI set, as on CI, or INSTALL_BROWSER=1). Anywhere else the browser test skips, saying why.
browser:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && [ -n "$${CI:-}$${INSTALL_BROWSER:-}" ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else echo "make: no chromium on PATH: the browser test will be skipped (as root, INSTALL_BROWSER=1 installs Debian's)"; fi

clean:
	rm -rf $(VENV) .pytest_cache
