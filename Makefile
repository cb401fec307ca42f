# Ringway: `make run` starts the embedded platform, `make test` runs every check.
.PHONY: run test lint typecheck pytest env run-distributed infra-up infra-down events docs bench clean

VENV := .venv
PY := $(VENV)/bin/python

env:
	@scripts/dev-env.sh

run: env
	$(PY) -m ringway.cli run

test: env lint typecheck pytest

lint: env
	$(VENV)/bin/ruff check shared services cli tests bench

typecheck: env
	$(VENV)/bin/mypy

pytest: env
	$(VENV)/bin/pytest

events: env
	$(PY) -m ringway.shared.events.catalog write docs/events

# Everything generated from the code: event catalogue, configuration reference, Strimzi topics.
docs: events
	$(VENV)/bin/ringway config docs --output docs/configuration.md
	$(VENV)/bin/ringway topics strimzi > deploy/strimzi-topics/topics.yaml

bench: env
	$(PY) bench/bus.py --quick

infra-up: env
	$(PY) -m ringway.shared.testing up

infra-down: env
	$(PY) -m ringway.shared.testing down

run-distributed: env
	scripts/run-distributed.sh

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
