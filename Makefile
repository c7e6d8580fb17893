# framewatch front door. Needs only python3 and make.
PYTHON ?= python3
# pytest workers for `make test`: 2 (CI's cores); whole test files go to one worker, so a module's fixtures
# are built once; TEST_WORKERS=0 runs the suite in one process
TEST_WORKERS ?= 2
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

export HF_HUB_OFFLINE = 1
export DO_NOT_TRACK = 1
export PREFECT_SERVER_ANALYTICS_ENABLED = false

.PHONY: demo test lint bench install clean help

help:
	@echo "make demo   - set up, then run the monitor end to end on the bundled demo corpus"
	@echo "make test   - set up, lint (ruff) and type-check (mypy), then run the test suite"
	@echo "make bench  - set up, then run the benchmarks (slow)"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/framewatch demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: $(STAMP) lint
	bash tests/setup_browser.sh
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

bench: $(STAMP)
	$(BIN)/python -m pytest -m slow -p no:cacheprovider tests
	$(BIN)/python bench/bench_collect.py
	$(BIN)/python bench/bench_classifier.py --n 1000
	$(BIN)/python bench/bench_training.py
	FRAMEWATCH_BF16=off $(BIN)/python bench/bench_scoring.py
	$(BIN)/python bench/bench_scoring.py
	$(BIN)/python bench/bench_quiet.py
	$(BIN)/python bench/bench_warehouse.py

clean:
	rm -rf $(VENV) .framewatch framewatch.duckdb framewatch.duckdb.wal
