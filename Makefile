# The two commands a newcomer needs: `make run` and `make test`. Both set everything up themselves.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test install lint bench score score-2020 clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "factdesk needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/factdesk db upgrade
	@echo
	@echo "  To get an API token, in another terminal:"
	@echo "    $(BIN)/factdesk user add alice --role editor"
	@echo "    $(BIN)/factdesk token issue alice"
	@echo
	$(BIN)/factdesk run

test: install
	$(BIN)/python -m pytest

# ruff, mypy (unused ignores are errors), the import layers (pyproject's importlinter contracts), and no
# function radon grades E or F.
lint: install
	$(BIN)/ruff check src tests workers bench
	$(BIN)/mypy
	$(BIN)/lint-imports
	@complex="$$($(BIN)/radon cc --min E --show-complexity src/factdesk)"; \
	if [ -n "$$complex" ]; then echo "functions radon grades E or F:"; echo "$$complex"; exit 1; fi

score: install
	$(BIN)/python ../shared/tools/score_claims.py $(BIN)/factdesk ../shared/examples 0.85 0.80 0.80

# The second labelled set (15 Wikinews articles of 2020, labelled for issue 13), at issue 13's targets.
score-2020: install
	$(BIN)/python ../shared/tools/score_claims.py $(BIN)/factdesk tests/extraction/data/wikinews-2020 0.93 0.93 0.93

# Benchmarks need PostgreSQL and Redis on 127.0.0.1 (except extraction); results go in BENCHMARKS.md.
bench: install
	$(BIN)/python bench/pipeline.py --posts 20
	$(BIN)/python bench/queue_leases.py --seconds 5 --requests 1000 --processes 1 2
	$(BIN)/python bench/ingest.py --requests 4000
	$(BIN)/python bench/extraction.py --kb 300 --rounds 3
	$(BIN)/python bench/desk_pages.py --requests 1000 --claims 40
	$(BIN)/python bench/soak.py --seconds 300

# The README's pictures of the desk (docs/desk-*.png): a temporary SQLite database, Chromium at /usr/bin/chromium.
.PHONY: screenshots
screenshots: install
	$(BIN)/python bench/screenshots.py --out docs

clean:
	rm -rf $(VENV) var .pytest_cache
