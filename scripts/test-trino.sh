#!/usr/bin/env bash
# `make test-trino`: the query package's fidelity suite on real Trino (packages/query/test/trino): starts the
# S3 server and Trino if they are not running, runs the suite, prints Trino's figures, and stops again only
# what this run started, so the stack is left as it was found. Extra arguments go to vitest.
set -uo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
load_stack_env
require_pinned_node
cd "$ROOT" || exit 1

started=()
# shellcheck disable=SC2317 # run by the EXIT trap
stop_started() {
  local service
  for service in "${started[@]}"; do bash "scripts/stack/$service.sh" stop || log "could not stop $service"; done
}
trap stop_started EXIT

bash scripts/stack/s3.sh status >/dev/null 2>&1 || { started+=(s3); bash scripts/stack/up.sh s3 || die "the S3 server did not start"; }
if ! bash scripts/stack/trino.sh status >/dev/null 2>&1; then
  started=(trino "${started[@]}")
  t0=$SECONDS
  bash scripts/stack/trino.sh start || die "Trino did not start (see above)"
  log "trino: install + start took $((SECONDS - t0))s"
fi

t0=$SECONDS
(cd packages/query && "$ROOT/node_modules/.bin/vitest" run --config vitest.trino.config.ts "$@")
rc=$?
log "trino suite: $((SECONDS - t0))s, exit $rc"
pid="$(cat "$STACK_DIR/trino/trino.pid" 2>/dev/null || true)"
if [ -n "$pid" ] && [ -r "/proc/$pid/status" ]; then
  log "trino: peak RSS $(awk '/VmHWM/ {printf "%d MB", $2 / 1024}' "/proc/$pid/status"), now $(awk '/VmRSS/ {printf "%d MB", $2 / 1024}' "/proc/$pid/status")"
fi
exit "$rc"
