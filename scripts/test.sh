#!/usr/bin/env bash
# `make test`: installs what is missing, builds, lints, starts the local stack, runs every suite
# (TypeScript with vitest, Python with pytest, then the end-to-end test), stops the stack, and exits
# non-zero if anything failed. Every suite runs even after an earlier one failed, so one run shows all.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
load_stack_env
export PATH="$ROOT/node_modules/.bin:$PATH"
cd "$ROOT"

results="$STACK_DIR/test-results"
rm -rf "$results" && mkdir -p "$results"
failed_steps=()
step() { # step NAME CMD...: runs a step, remembers a failure, never stops the run
  local name="$1"; shift
  log "── $name"
  if ! "$@"; then failed_steps+=("$name"); log "✗ $name failed"; fi
}

bash scripts/bootstrap.sh all || die "installation failed"
# Installed just now on a fresh machine: every `node` and node_modules/.bin shim below runs on it.
require_pinned_node
bash scripts/run.sh pnpm exec turbo run build --output-logs=errors-only || die "build failed"
step "lint" bash scripts/lint.sh
step "typecheck" bash scripts/run.sh pnpm exec turbo run typecheck --output-logs=errors-only

stack_started_here=0
if ! bash scripts/stack/status.sh >/dev/null 2>&1; then stack_started_here=1; fi
# Stop the stack on any exit, but only if this run started it (a developer's running stack stays).
trap '[ "$stack_started_here" = 1 ] && bash scripts/stack/down.sh' EXIT
bash scripts/stack/up.sh || die "the local stack did not start"

# TypeScript packages, one at a time: 2 cores are shared with Kafka and the S3 server.
for dir in packages/*/ examples/*/ tests/*/; do
  [ -f "$dir/package.json" ] && [ -f "$dir/vitest.config.ts" ] || continue
  name="$(basename "$dir")"
  [ "$dir" = "tests/e2e/" ] && continue # runs last, after the Python environments it uses are tested
  step "vitest $name" bash -c "cd '$dir' && '$ROOT/node_modules/.bin/vitest' run --reporter=default --reporter=json --outputFile='$results/ts-$name.json'"
done

# Athena's engine: the query package's views and questions on real Trino 476 (the tarball is fetched once
# into .tools/trino; about 1.5 minutes with the download), compared with the local engine.
step "vitest query (Trino)" bash scripts/test-trino.sh --reporter=default --reporter=json --outputFile="$results/ts-query-trino.json"

# Real-browser suites (headless Debian Chromium, installed by bootstrap), after the unit suites.
for config in packages/*/vitest.browser.config.ts; do
  [ -f "$config" ] || continue
  dir="$(dirname "$config")"
  name="$(basename "$dir")"
  step "vitest $name (Chromium)" bash -c "cd '$dir' && '$ROOT/node_modules/.bin/vitest' run --config vitest.browser.config.ts --reporter=default --reporter=json --outputFile='$results/ts-$name-browser.json'"
done

for project in scripts/stack/python packages/processing-jobs packages/airflow-dags packages/query/transpile; do
  [ -f "$project/pyproject.toml" ] || continue
  name="$(basename "$project")"
  step "pytest $project" bash -c "cd '$project' && '$UV' run --locked pytest -q --junitxml='$results/py-$name.xml'"
done

if [ -f tests/e2e/vitest.config.ts ]; then
  step "end-to-end" bash -c "cd tests/e2e && '$ROOT/node_modules/.bin/vitest' run --reporter=default --reporter=json --outputFile='$results/ts-e2e.json'"
fi

python3 scripts/test_summary.py "$results"
summary_status=$?
if [ ${#failed_steps[@]} -gt 0 ]; then
  log "failed: ${failed_steps[*]}"
  exit 1
fi
exit "$summary_status"
