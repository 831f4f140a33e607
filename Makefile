# make run: the bot (Telegram when BOT_TOKEN is set, else a console chat)
# make test: lint and the test suite. Both create .venv from requirements.txt when missing or stale.
# make install also provisions the test servers (.ci/provision: postgresql 15, chromium, CJK fonts) when root.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCALES := zh_Hant en
# The suite mostly waits on the bot processes and servers it starts: two workers nearly halve its time
# on a 2-core machine. Each test file stays on one worker, with its module fixtures.
TEST_WORKERS ?= 2
CATALOGS := $(foreach l,$(LOCALES),locales/$(l)/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)

.PHONY: install provision run web test lint format i18n bench clean

install: provision $(STAMP) $(COMPILED)

# System packages the tests run against; only a check when they are already installed.
provision:
	@if [ "$$(id -u)" -eq 0 ]; then .ci/provision; else .ci/provision --check || true; fi

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

locales/%/LC_MESSAGES/messages.mo: locales/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile --domain messages --directory locales --locale $* --use-fuzzy

run: install
	$(BIN)/python run_bot.py

web: install
	$(BIN)/python run_bot.py web

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

i18n: $(STAMP)
	$(BIN)/pybabel extract --mapping babel.cfg --keywords N_ --output locales/messages.pot --project union-service-bot --no-location --sort-output .
	for loc in $(LOCALES); do \
		po=locales/$$loc/LC_MESSAGES/messages.po; \
		if [ -f $$po ]; then \
			$(BIN)/pybabel update --domain messages --input-file locales/messages.pot --output-file $$po --locale $$loc --no-fuzzy-matching --ignore-obsolete; \
		else \
			$(BIN)/pybabel init --domain messages --input-file locales/messages.pot --output-dir locales --locale $$loc; \
		fi; \
	done
	$(MAKE) $(COMPILED)

bench: install
	$(BIN)/python bench/qa.py
	$(BIN)/python bench/stations.py
	$(BIN)/python bench/law_benefits.py
	$(BIN)/python bench/staff_tools.py
	$(BIN)/python bench/broadcast.py
	$(BIN)/python bench/broadcast.py --instances 2
	$(BIN)/python bench/storage.py
	$(BIN)/python bench/loans.py
	$(BIN)/python bench/web_chat.py
	$(BIN)/python bench/wechat.py

clean:
	rm -rf $(VENV) locales/*/LC_MESSAGES/*.mo
