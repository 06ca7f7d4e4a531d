#!/usr/bin/env bash
# Lints everything: biome for TypeScript, ruff for each Python project.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_pinned_node
cd "$ROOT"
node_modules/.bin/biome check .
for project in packages/processing-jobs packages/airflow-dags packages/query/transpile scripts/stack/python; do
  [ -f "$project/pyproject.toml" ] || continue
  (cd "$project" && run_uv run --locked --quiet ruff check . && run_uv run --locked --quiet ruff format --check .)
done
