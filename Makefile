# ШНОР-Монитор: `make run` sets everything up and serves the demo site; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast system-deps run-deps bench lint install demo clean

$(STAMP): pyproject.toml requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# `shnor serve` runs the development server and the task worker (`shnor worker`); Ctrl+C stops both.
run: run-deps $(STAMP)
	$(BIN)/shnor migrate --no-input
	$(BIN)/shnor demo
	@echo "Сайт: http://127.0.0.1:8000/  (остановить сайт и обработчик фоновых задач: Ctrl+C)"
	$(BIN)/shnor serve --host 127.0.0.1 --port 8000

# The Debian packages the site needs at run time (LibreOffice and the fonts: the PDFs of справки and documents).
run-deps:
	bash scripts/system-packages.sh run

# Those and what only the suite needs (chromium, poppler): installed when missing.
system-deps:
	bash scripts/system-packages.sh test

test: system-deps $(STAMP)
	$(BIN)/lint-imports
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest -q

test-fast: system-deps $(STAMP)
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest -q -m "not browser and not slow"

bench: $(STAMP)
	bash scripts/system-packages.sh bench
	$(BIN)/python -m bench

lint: $(STAMP)
	$(BIN)/ruff check shnor tests bench
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) var
