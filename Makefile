# Roofline: `make run` starts the site, `make test` runs the whole suite. Both set up what they need first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint bench setup clean

run: $(VENV)/.installed-base
	$(BIN)/roofline setup
	$(BIN)/roofline serve --host $(HOST) --port $(PORT)

setup: $(VENV)/.installed-base
	$(BIN)/roofline setup

test: $(VENV)/.installed-dev /usr/bin/chromium
	$(BIN)/pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .

bench: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/run.py

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed-base: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed-base

# Browser tests drive Debian's Chromium (Playwright's own browser download does not work everywhere).
/usr/bin/chromium:
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium chromium-driver

clean:
	rm -rf $(VENV) var
