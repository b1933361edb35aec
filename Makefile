# One-command entry points. Each target creates the virtual environment when it is missing.
PYTHON ?= $(shell command -v python3.12 2>/dev/null || echo python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "mutusim needs Python >= 3.12 (found %s)" % sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	@touch $(STAMP)

## run: the default policy comparison on the Walloon population (10 years), with its summary
run: $(STAMP)
	$(BIN)/mutusim experiment experiments/policy_comparison.yaml --out results/policy_comparison

## test: lint, then the whole test suite
test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks experiments
	$(BIN)/ruff format --check src tests benchmarks experiments
	$(BIN)/python -m pytest -q

## bench: agent-steps per second and peak memory of both engines (writes benchmarks/*.json)
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_mesa.py
	$(BIN)/python benchmarks/bench_engine.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
