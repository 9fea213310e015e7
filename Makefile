# Two commands matter: `make run` (set up, build the sample store, start the dashboard) and `make test`.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DB ?= data/campaign.duckdb

.PHONY: setup browser run store sample test lint format bench bench-pages clean

$(STAMP): requirements.txt
	@command -v $(PY) >/dev/null || { echo "需要 Python 3.11（$(PY)）"; exit 1; }
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $(STAMP)

setup: $(STAMP)

# Debian's Chromium and CJK fonts (browser test, chart images), LibreOffice and poppler (the 周通报's PDF and
# its test); needs root or sudo.
browser:
	@if [ -x /usr/bin/chromium ] && fc-list :lang=zh | grep -q . && command -v soffice >/dev/null \
	  && command -v pdftoppm >/dev/null; then echo "chromium, CJK fonts, LibreOffice and poppler present"; \
	else SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk \
	    libreoffice-writer-nogui poppler-utils; fi

# Build the store from the bundled sample ledgers when none exists yet.
store: $(STAMP)
	@if [ ! -f $(DB) ]; then \
	  rm -f $(DB).building && $(BIN)/python -m etl load --db $(DB).building data/sample && mv $(DB).building $(DB); fi

# Listens on [access] listen_address of the town's config (127.0.0.1 unless a town opens it to its LAN).
run: store
	ARGS=$$($(BIN)/python -m firedash serve-args) && $(BIN)/streamlit run dashboard.py $$ARGS

sample: $(STAMP)
	$(BIN)/python -m sample_town

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: $(STAMP) browser lint
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/bench_load.py

bench-pages: $(STAMP)
	$(BIN)/python bench/bench_pages.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache bench/out tests/artifacts
