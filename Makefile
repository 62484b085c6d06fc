# The two commands of the README: `make serve` and `make test`. `make check` adds the linters.
SHELL := /bin/bash
VENV := .venv
PG_URL := postgresql://postgres@127.0.0.1:54329/scrapegate_test
REDIS_URL := redis://127.0.0.1:63790/0

.PHONY: serve test check lint bootstrap bootstrap-dev client-env pg-start pg-stop redis-start redis-stop bench

bootstrap:
	@scripts/bootstrap.sh

bootstrap-dev:
	@scripts/bootstrap.sh --dev

serve: bootstrap
	$(VENV)/bin/scrapegate migrate
	$(VENV)/bin/scrapegate serve

pg-start:
	@scripts/pg.sh start

pg-stop:
	@scripts/pg.sh stop

redis-start:
	@scripts/redis.sh start

redis-stop:
	@scripts/redis.sh stop

client-env:
	@scripts/client-env.sh
	@scripts/firecrawl-env.sh

test: bootstrap-dev pg-start redis-start client-env
	.venv-client/bin/python -m pytest -c tests_client/pytest.ini --rootdir tests_client -q tests_client
	.venv-firecrawl/bin/python -m pytest -c tests_firecrawl/pytest.ini --rootdir tests_firecrawl \
		-q tests_firecrawl
	SCRAPEGATE_TEST_PG_URL=$(PG_URL) SCRAPEGATE_TEST_REDIS_URL=$(REDIS_URL) \
		$(VENV)/bin/python -m pytest -q
	# The API suite again on the multi-machine topology (tests/api/distributed_leg.py).
	SCRAPEGATE_TEST_PG_URL=$(PG_URL) SCRAPEGATE_TEST_REDIS_URL=$(REDIS_URL) \
		SCRAPEGATE_TEST_TOPOLOGY=distributed $(VENV)/bin/python -m pytest -q tests/api

lint: bootstrap-dev
	$(VENV)/bin/ruff check src tests bench tests_client tests_firecrawl
	$(VENV)/bin/ruff format --check src tests bench tests_client tests_firecrawl
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

check: lint test

bench: bootstrap-dev
	$(VENV)/bin/python bench/convert.py
