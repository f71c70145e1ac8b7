# The README's two commands: `make run` and `make test`. Both install what they need themselves.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test chromium pg-client npm bench mutate

run: $(BIN)/tournee
	$(BIN)/tournee serve

test: $(BIN)/tournee chromium pg-client npm
	$(BIN)/pytest

bench: $(BIN)/tournee chromium npm
	$(BIN)/python bench/run_all.py

# Mutation testing of the pure rule and money modules (bench/README.md): score per module, goal 90 %.
mutate: $(BIN)/tournee
	$(BIN)/pip install --quiet 'mutmut>=3.3,<4'
	rm -rf mutants
	$(BIN)/python bench/mutation.py

$(BIN)/tournee: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

chromium:
	@test -x /usr/bin/chromium || { $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# pg_dump / pg_restore for `tournee backup` and `restore` on PostgreSQL (and their tests).
pg-client:
	@command -v pg_dump >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client; }

# npm installs axe-core (the accessibility checker of the browser tests) and Lighthouse (bench_pwa.py) into the
# test cache on first use.
npm:
	@command -v npm >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm; }
