# Sapat: `make run` serves the dashboard, `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DB     ?= $(or $(SAPAT_DB),data/sapat.duckdb)
PORT   ?= 8501
# Install stamps change with the pinned requirements, so an edited pin reinstalls.
RUN_STAMP := $(VENV)/.run-$(shell cat requirements.txt | cksum | cut -d' ' -f1)
DEV_STAMP := $(VENV)/.dev-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)

.PHONY: run test demo lint bench install install-dev chromium clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(RUN_STAMP): requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

install: $(RUN_STAMP)
install-dev: $(DEV_STAMP)

# Debian's Chromium drives the browser tests and renders chart images; never a downloaded
# browser. LibreOffice turns the Council deck into PDF; poppler's pdftoppm renders its pages.
chromium:
	@if [ ! -x /usr/bin/chromium ] || ! command -v soffice >/dev/null || ! command -v pdftoppm >/dev/null; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    chromium fonts-dejavu-core fonts-crosextra-carlito libreoffice-impress poppler-utils >/dev/null; \
	fi

$(DB): | $(RUN_STAMP)
	$(BIN)/python -m pipelines demo --db $(DB)

demo: install
	$(BIN)/python -m pipelines demo --db $(DB)

run: install $(DB)
	$(BIN)/python -m pipelines users first-admin --db $(DB)
	SAPAT_DB=$(DB) $(BIN)/streamlit run app.py --server.address 127.0.0.1 \
	  --server.port $(PORT) --server.headless true --browser.gatherUsageStats false

test: install-dev chromium
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n 2 tests

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: install-dev
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
