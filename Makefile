# Civic: two commands on a fresh machine — `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: install run test proto lint bench clean

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml scripts/install.sh
	PYTHON=$(PYTHON) VENV=$(VENV) sh scripts/install.sh
	touch $@

run: install
	$(PY) -m servicekit.devstack run

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

proto: install
	$(PY) -m servicekit.protogen

lint: install
	rm -rf build/buf-deps
	$(PY) -c 'import shutil, servicekit.protogen as p; [shutil.copytree(p.googleapis_include() / "google" / d, "build/buf-deps/google/" + d, ignore=lambda _, names: [n for n in names if n.endswith((".py", ".pyi")) or n == "__pycache__"]) for d in ("api", "type", "rpc")]'
	$(VENV)/bin/buf lint

bench: install
	$(PY) -m bench.run_all

clean:
	rm -rf $(VENV) .civic
