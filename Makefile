# The two quick-start commands: `make report` and `make test`. Both set up what is missing first.
VENV    := .venv
STAMP   := $(VENV)/.nianbao-setup
UNIT    ?= shanghai
YEAR    ?= 2020

.PHONY: report test setup clean bench lock

report: $(STAMP)
	$(VENV)/bin/nianbao report --unit $(UNIT) --year $(YEAR)

test: $(STAMP)
	$(VENV)/bin/python -m pytest

setup: $(STAMP)

$(STAMP): pyproject.toml requirements.lock scripts/setup.sh
	bash scripts/setup.sh
	@touch $@

bench: $(STAMP)
	$(VENV)/bin/python bench/bench_report.py

clean:
	rm -rf outputs/*/ $(VENV)

# Re-pin requirements.lock after changing the dependencies in pyproject.toml (and environment.yml).
lock:
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --python-version 3.11 --universal --generate-hashes -o requirements.lock
