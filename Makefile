# Quick start: `make demo` (index + a sample question), `make test` (the whole suite).
VENV ?= .venv
PY := $(VENV)/bin/python
BOT := $(VENV)/bin/bot
QUESTION ?= Vilka är diskrimineringsgrunderna?

.PHONY: install demo test eval bench clean

install: $(VENV)/.installed

# torch first, pinned: sentence-transformers would otherwise pull the newest CUDA build.
$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e ".[test]"
	touch $@

demo: install
	$(BOT) index
	$(BOT) ask "$(QUESTION)"

test: install
	$(PY) -m pytest -q

eval: install
	$(BOT) eval --questions eval/questions.jsonl

bench: install
	$(BOT) bench swefaq --data ../shared/datasets/swefaq/swefaq_dev.jsonl
	$(BOT) bench speed

clean:
	rm -rf $(VENV) data
