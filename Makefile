# Two commands do all the set-up: `make run` (portal with demo content) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app portal
HOST ?= 127.0.0.1
AXE := node_modules/axe-core/axe.min.js
PORT ?= 5000

.PHONY: run test lint format translations setup budgets clean

run: setup  ## set up, load demo content and serve http://127.0.0.1:5000
	$(FLASK) init
	$(FLASK) demo --reset-passwords
	$(FLASK) run --debug --host $(HOST) --port $(PORT)

test: setup lint $(AXE)  ## install test tools, check style, run the whole suite
	@$(BIN)/pytest $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests: that is a failure here"; exit 1; fi; \
	exit $$status

lint: setup  ## style, and bandit's medium and high findings (see [tool.bandit])
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -q -c pyproject.toml --severity-level medium -r portal courses practices

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

setup: $(VENV)/.installed instance/config.py translations

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

# A random secret key for this machine, written once; instance/ is never committed.
instance/config.py:
	mkdir -p instance
	$(BIN)/python -c "import secrets; print(f'SECRET_KEY = {secrets.token_hex(32)!r}')" > $@

# axe-core, which the accessibility browser tests inject; from the npm registry.
$(AXE): package.json package-lock.json
	npm ci --omit=dev --no-audit --no-fund
	touch $@

# Page weight, requests before render, slow-3G paints, Lighthouse and axe per page type.
budgets: setup
	npm ci --no-audit --no-fund
	$(BIN)/python benchmarks/pages.py --write-readme

translations: $(VENV)/.installed instance/config.py
	$(FLASK) translate compile

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache .hypothesis test-artifacts
