# OpsLedger — one entry point for people and CI. `make help` lists the targets.
SHELL := /usr/bin/env bash
.DEFAULT_GOAL := help
UV ?= uv
PYTEST_ARGS ?=
SERVICES ?=
FAULT_RUNS ?= 20
HOG_ARGS ?=
export UV_PYTHON ?= 3.11
# Precompile .pyc at install time: with PYTHONDONTWRITEBYTECODE set (as on our CI machines)
# every process would otherwise recompile its libraries, ~5 s per service start.
export UV_COMPILE_BYTECODE ?= 1

.PHONY: help sync run test faults test-fast lint format contracts contracts-check mutation bench test-loaded migrate down clean distclean

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

sync: ## install the locked Python environment (.venv)
	@command -v $(UV) >/dev/null || python3 -m pip install --quiet uv
	$(UV) sync --frozen

run: sync ## local Kafka + all seven services on SQLite, in the foreground; restarts crashed ones (Ctrl-C stops all)
	deploy/local/run.sh

test: sync contracts-check ## the whole suite against real Kafka and PostgreSQL (started and stopped here)
	deploy/local/with-infra.sh $(UV) run --frozen pytest $(PYTEST_ARGS)

test-loaded: sync contracts-check ## make test with a one-core CPU hog beside it (deploy/local/hog.sh; HOG_ARGS='--cores 1 --seconds 3600')
	deploy/local/hog.sh $(HOG_ARGS) -- deploy/local/with-infra.sh $(UV) run --frozen pytest $(PYTEST_ARGS)

faults: sync ## fault tier: kill -9, broker and PostgreSQL restarts, scale-out; FAULT_RUNS runs per case (20)
	OPSLEDGER_FAULT_RUNS=$(FAULT_RUNS) deploy/local/with-infra.sh $(UV) run --frozen pytest tests/faults -m faults -v $(PYTEST_ARGS)

test-fast: sync ## unit tests only: SQLite, no Kafka, no PostgreSQL
	$(UV) run --frozen pytest -m "not kafka and not postgres and not slow" $(PYTEST_ARGS)

lint: sync ## ruff (lint + format check) and mypy --strict
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen mypy kernel/src contracts/src contracts/tools contracts/examples services tests bench

format: sync ## apply ruff fixes and formatting
	$(UV) run --frozen ruff check --fix .
	$(UV) run --frozen ruff format .

contracts: sync ## regenerate contracts/schemas and contracts/asyncapi.yaml
	$(UV) run --frozen python contracts/tools/generate.py

contracts-check: sync ## fail on an incompatible contract change or stale generated files
	$(UV) run --frozen python contracts/tools/generate.py --check

mutation: sync ## mutmut over services/*/src/*/domain with the fast tests, score per service (SERVICES=dispatch for one)
	$(UV) run --frozen python -m tests.mutation.run $(SERVICES)

.PHONY: fuzz
fuzz: sync ## schemathesis on every service's OpenAPI: >= 50 examples per operation, stateful; a line per service
	OPSLEDGER_FUZZ=thorough $(UV) run --frozen pytest tests/fuzz -o timeout=0 $(PYTEST_ARGS)

bench: sync ## benchmarks against real PostgreSQL and Kafka; writes bench/results/latest.json
	deploy/local/with-infra.sh $(UV) run --frozen python -m bench.run

migrate: sync ## apply migrations of every service (OPSLEDGER_DATABASE_URL decides where)
	for s in callcenter dispatch fleet permits secrets_registry ledger dashboard; do $(UV) run --frozen opsledger migrate $$s; done

down: ## stop local services, Kafka and PostgreSQL started by the project
	deploy/local/run.sh --stop
	deploy/local/kafka.sh stop
	deploy/local/postgres.sh stop

clean: down ## remove local state (SQLite files, Kafka data, caches); keeps downloaded jars
	rm -rf var .pytest_cache .mypy_cache .ruff_cache bench/results/latest.json
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean ## also remove the Kafka jar cache and the virtualenv
	rm -rf .cache .venv

.PHONY: k8s-check
k8s-check: sync ## deploy/k8s on a real kube-apiserver + etcd (built once into .cache/, ~8 min cold): CRDs, then every overlay with --dry-run=server
	deploy/k8s/check-server.sh
