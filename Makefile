# Shop Analytics — one entry point for humans and CI. Every target installs what it needs first.
SHELL := /usr/bin/env bash
.DEFAULT_GOAL := help
.PHONY: help install build lint typecheck up down status stream test test-browser test-trino trino-up trino-down demo bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

install: ## install node modules, Python environments, Kafka and Spark jars (idempotent, cached)
	@bash scripts/bootstrap.sh all

build: install ## build the TypeScript packages
	@bash scripts/run.sh pnpm exec turbo run build --output-logs=errors-only

lint: install ## biome (TypeScript) and ruff (Python)
	@bash scripts/lint.sh

typecheck: install ## tsc --noEmit in every TypeScript package
	@bash scripts/run.sh pnpm exec turbo run typecheck --output-logs=errors-only

up: install ## start the local stack (Kafka, S3-compatible store) and wait until healthy
	@bash scripts/stack/up.sh

trino-up: install ## start Trino 476 (Athena's engine; downloads ~820 MB once) beside the stack's S3 server
	@bash scripts/stack/up.sh s3
	@bash scripts/stack/trino.sh start

trino-down: ## stop Trino (the rest of the stack keeps running)
	@bash scripts/stack/trino.sh stop

stream: install ## start the stack if needed and the fraud scoring stream (scripts/stack/stream.sh)
	@bash scripts/stack/stream.sh start

down: ## stop everything the stack, the stream and the demo started
	@bash scripts/demo.sh stop
	@bash scripts/stack/down.sh

status: ## show what is running (Kafka, S3, the fraud stream)
	@bash scripts/stack/status.sh

test: ## install, start the stack, run every suite (TS, Python, end to end), stop the stack
	@bash scripts/test.sh

test-browser: build ## only the SDK's real-Chromium suite (also part of `make test`)
	@bash scripts/run.sh pnpm --filter @shop/tracker run test:browser

test-trino: build ## the query package's views and named queries on real Trino vs DuckDB (starts and stops what it needs)
	@bash scripts/test-trino.sh

demo: ## run the whole pipeline locally on simulated shoppers and print what it found
	@bash scripts/demo.sh

bench: build ## run the benchmarks (each prints its figures next to a baseline)
	@bash scripts/bench.sh

clean: down ## remove build output and local state (keeps caches)
	rm -rf .stack packages/*/dist examples/*/dist
