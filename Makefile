# `make demo` and `make test` do all set-up on a fresh machine.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: demo test setup install widget serve clean

demo: setup
	$(BIN)/backorder-desk demo

test: setup
	npm test
	$(BIN)/pytest

setup: install widget

# The storefront widget: npm packages from the lock file, then the bundle in api/static/.
widget: node_modules/.package-lock.json
	npm run build

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

clean:
	rm -rf $(VENV) instance .pytest_cache node_modules api/static/widget*.js api/static/widget/ api/static/console e2e/artifacts
