# One command for each job. `make run` and `make test` build .venv from uv.lock first.
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo "$(PYTHON) -m uv")
VENV := .venv
BIN := $(VENV)/bin
SAMPLE ?= ../shared/fixtures/seed-article.txt
PYTEST_ARGS ?=

.PHONY: install run test unit lint format faults bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet 'uv>=0.9'
	@$(UV) sync --frozen --python 3.11
	@touch $@

## Start RabbitMQ (if needed), a local MongoDB stand-in, ingest, query and a worker; post the sample article
## and print its enriched document; keep serving until Ctrl-C.
run: install
	$(BIN)/newsflow run --workers $${WORKERS:-1} --post $(SAMPLE)

## Lint, type-check, and run every test against a real RabbitMQ and a real MongoDB-protocol server.
test: install lint
	$(BIN)/pytest -m "not faults" $(PYTEST_ARGS)

## Only the unit tests: no servers, seconds.
unit: install
	$(BIN)/pytest tests/unit $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Kill and restart real processes under load; each scenario prints one summary line.
faults: install
	$(BIN)/pytest -m faults -s $(PYTEST_ARGS)

## Throughput figures (not a test): prints a table and writes .bench/latest.json.
bench: install
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .bench

-include mk/*.mk
