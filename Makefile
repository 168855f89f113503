# The two quick-start commands: `make report` and `make test`. Both set up what is missing first.
VENV    := .venv
STAMP   := $(VENV)/.nianbao-setup
UNIT    ?= shanghai
YEAR    ?= 2020

.PHONY: report test setup clean bench

report: $(STAMP)
	$(VENV)/bin/nianbao report --unit $(UNIT) --year $(YEAR)

test: $(STAMP)
	$(VENV)/bin/python -m pytest

setup: $(STAMP)

$(STAMP): pyproject.toml scripts/setup.sh
	bash scripts/setup.sh
	@touch $@

bench: $(STAMP)
	$(VENV)/bin/python bench/bench_report.py

clean:
	rm -rf outputs/*/ $(VENV)
