#!/usr/bin/env bash
# The storefront on this machine with one command: the local stack, the demo's collector (its two
# sources: web pages and the shop's backend), then the storefront built and served on STOREFRONT_PORT.
# Usage: bash examples/storefront/scripts/start.sh   (Ctrl-C stops the storefront; the rest stays up)
set -euo pipefail
source "$(dirname "$0")/../../../scripts/stack/common.sh"
cd "$ROOT"
require_pinned_node

bash scripts/run.sh pnpm exec turbo run build --filter @shop/collector --output-logs=errors-only
# A stack already running (this checkout's or another's on the same ports) is used as it is.
bash scripts/stack/up.sh || log "the stack did not start from this checkout; using what answers on its ports"
if curl -fsS "http://$COLLECTOR_HOST:$COLLECTOR_PORT/ready" >/dev/null 2>&1; then
  log "a collector already answers on http://$COLLECTOR_HOST:$COLLECTOR_PORT: sending to it (it must know the keys below)"
else
  bash scripts/demo.sh collector
fi

# The demo collector's keys (scripts/demo.sh): the web source's, then the backend's server-side source's.
export STOREFRONT_COLLECTOR_URL="${STOREFRONT_COLLECTOR_URL:-http://$COLLECTOR_HOST:$COLLECTOR_PORT}"
export STOREFRONT_WRITE_KEY="${STOREFRONT_WRITE_KEY:-demo-write-key}"
export STOREFRONT_SERVER_WRITE_KEY="${STOREFRONT_SERVER_WRITE_KEY:-demo-server-key}"
export NEXT_TELEMETRY_DISABLED=1
port="${STOREFRONT_PORT:-3100}"
cd examples/storefront
node node_modules/next/dist/bin/next build
log "storefront on http://127.0.0.1:$port (events to $STOREFRONT_COLLECTOR_URL)"
exec node node_modules/next/dist/bin/next start -H 127.0.0.1 -p "$port"
