#!/usr/bin/env bash
# Lints the stack's scripts and Python tests, then runs the tests against the running stack
# (start it first with scripts/stack/up.sh). Extra arguments go to pytest.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../lib.sh
source "$HERE/../lib.sh"
load_stack_env

if command -v shellcheck >/dev/null 2>&1; then
  shellcheck "$HERE"/*.sh
else
  log "shellcheck not installed; skipping the shell lint (apt-get install shellcheck)"
fi
cd "$HERE/python"
run_uv sync --locked --quiet
run_uv run --locked ruff check .
run_uv run --locked ruff format --check .
bash "$HERE/status.sh" >/dev/null || die "the stack is not running: scripts/stack/up.sh"
run_uv run --locked pytest "$@"
