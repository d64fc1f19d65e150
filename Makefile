# The two commands a newcomer needs are `make run` and `make test`; both install what they need first.
PYTHON ?= python3.11
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
STAMP := $(VENV)/.wirehouse-synced
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1
export PREFECT_LOGGING_LEVEL ?= WARNING
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: setup run check test bench lint clean serve

setup: $(STAMP)
	@:

# uv lives in its own small venv so the project's venv holds only what uv.lock says.
$(UV):
	@$(PYTHON) -m venv $(TOOLS)
	@$(TOOLS)/bin/pip install -qq "uv==$(UV_VERSION)"

# Bytecode is compiled at install: where PYTHONDONTWRITEBYTECODE is set (containers, CI) every
# process would otherwise compile Prefect, spaCy and the rest from source at each start (~5 s
# of Prefect's server start-up alone).
$(STAMP): pyproject.toml uv.lock | $(UV)
	@$(UV) sync --frozen --quiet --compile-bytecode
	@touch $@

run: setup
	@$(VENV)/bin/wirehouse run data/samples --db data/warehouse.duckdb

# The edit loop: the unit and nlp tiers (pure functions, the spaCy model), no Prefect, no servers.
check: setup
	@$(VENV)/bin/python -m pytest -q -m "unit or nlp"

# Everything, as CI runs it: lint, then all four tiers (unit, nlp, integration, system).
# Every tier, on up to four cores: each worker has its own Prefect home and test harness.
test: setup lint
	@$(VENV)/bin/python -m pytest -q -n auto --maxprocesses 4

bench: setup
	@$(VENV)/bin/python bench/bench.py $(BENCH_ARGS)

lint: setup
	@$(VENV)/bin/ruff check flows transforms nlp tests bench
	@$(VENV)/bin/ruff format --check flows transforms nlp tests bench
	@$(VENV)/bin/sqlfluff lint sql --disable-progress-bar --nocolor

clean:
	rm -rf $(VENV) $(TOOLS) data/warehouse.duckdb

# A real Prefect server on 127.0.0.1:4200 (UI there too) serving prefect.yaml's schedules; Ctrl-C stops both.
serve: setup
	@$(VENV)/bin/wirehouse serve
