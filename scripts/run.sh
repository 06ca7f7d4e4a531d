#!/usr/bin/env bash
# Runs a command with the repo's tools on PATH and the stack's settings exported.
# Usage: scripts/run.sh <command> [args...]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
load_stack_env
export PATH="$TOOLS_DIR/node/node_modules/.bin:$TOOLS_DIR/uv/bin:$ROOT/node_modules/.bin:$PATH"
cd "$ROOT"
exec "$@"
