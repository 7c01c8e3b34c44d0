# The two commands of the README:
#   make demo   set up, create the schema, generate synthetic data, serve at http://127.0.0.1:8000/
#   make test   set up, run the whole suite on SQLite, on MariaDB, on PostgreSQL, and on PostgreSQL in
#               PanDA's official layout (postgres-doma: doma_panda/doma_pandaarch, schedconfig_json)
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
JOBS    ?= 20000
DAYS    ?= 14
HOST    ?= 127.0.0.1:8000
MARIADB_URL ?= mysql://root@127.0.0.1:3306
POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432

.PHONY: demo test setup system-deps data lint clean

setup: $(BIN)/.installed

system-deps:
	@bash scripts/system-deps.sh

$(BIN)/.installed: requirements.txt requirements-dev.txt pyproject.toml
	@$(MAKE) --no-print-directory system-deps
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements-dev.txt
	$(BIN)/pip install -q --no-deps -e .
	touch $@

# The demo runs with the public demo secret key, which the monitor refuses without this flag.
data demo: export PANDAMON_DEMO = 1

data: setup
	$(BIN)/python manage.py migrate --noinput -v 0
	$(BIN)/python manage.py create_panda_schema --replace
	$(BIN)/python manage.py generate_jobs --jobs $(JOBS) --days $(DAYS) --seed 1
	$(BIN)/python manage.py collectstatic --noinput -v 0  # after: its system check reads PanDA's tables

demo: data
	$(BIN)/python manage.py runserver $(HOST)

test: setup
	@bash scripts/start-databases.sh
	$(BIN)/ruff check .
	$(BIN)/pytest
	PANDA_DB_URL=$(MARIADB_URL)/pandamon_panda PANDAMON_DB_URL=$(MARIADB_URL)/pandamon $(BIN)/pytest
	PANDA_DB_URL=$(POSTGRES_URL)/pandamon_panda PANDAMON_DB_URL=$(POSTGRES_URL)/pandamon $(BIN)/pytest
	PANDA_LAYOUT=postgres-doma PANDA_SCHEMA=doma_panda PANDA_ARCHIVE_SCHEMA=doma_pandaarch \
	  PANDA_DB_URL=$(POSTGRES_URL)/pandamon_panda PANDAMON_DB_URL=$(POSTGRES_URL)/pandamon $(BIN)/pytest

lint: setup
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) data
