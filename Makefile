# The two quick-start commands: `make report` and `make test`. Both set up what is missing first.
VENV    := .venv
STAMP   := $(VENV)/.nianbao-setup
UNIT    ?= shanghai
YEAR    ?= 2020
LINTED  := src tests bench

.PHONY: report test test-fast lint format setup clean bench lock

report: $(STAMP)
	$(VENV)/bin/nianbao report --unit $(UNIT) --year $(YEAR)

# Everything: lint, then every test (real kernels, real PDFs). The README's and CI's command.
test: $(STAMP) lint
	$(VENV)/bin/python -m pytest

# The inner loop: lint, then the tests that start no kernel and render no PDF (under a minute).
test-fast: $(STAMP) lint
	$(VENV)/bin/python -m pytest -m "not slow"

lint: $(STAMP)
	$(VENV)/bin/ruff check $(LINTED)
	$(VENV)/bin/ruff format --check $(LINTED)

# Rewrite the code in the house style (what `lint` checks).
format: $(STAMP)
	$(VENV)/bin/ruff check --fix $(LINTED)
	$(VENV)/bin/ruff format $(LINTED)

setup: $(STAMP)

$(STAMP): pyproject.toml requirements.lock scripts/setup.sh
	bash scripts/setup.sh
	@touch $@

bench: $(STAMP)
	$(VENV)/bin/python bench/bench_report.py

# Re-pin requirements.lock after changing the dependencies in pyproject.toml (and environment.yml).
lock:
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --python-version 3.11 --universal --generate-hashes -o requirements.lock

clean:
	rm -rf outputs/*/ $(VENV)
