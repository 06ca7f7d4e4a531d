#!/usr/bin/env bash
# Runs a command with the repo's tools on PATH and the stack's settings exported.
# Usage: scripts/run.sh <command> [args...]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
load_stack_env
# The pinned Node and pnpm first (lib.sh), then uv and the workspace's own bins.
require_pinned_node
export PATH="$NODE_HOME/bin:$TOOLS_DIR/node/node_modules/.bin:$TOOLS_DIR/uv/bin:$ROOT/node_modules/.bin:$PATH"
cd "$ROOT"
exec "$@"
