#!/usr/bin/env bash
# `make bench`: runs every package's `bench` script (each prints its figures next to a baseline
# measured in the same run). Benchmarks that need the local stack start it first.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
load_stack_env
cd "$ROOT"
require_pinned_node
bash scripts/stack/up.sh
export PATH="$ROOT/node_modules/.bin:$PATH"
found=0
for dir in packages/*/ packages/*/bench/ examples/*/; do
  [ -f "$dir/package.json" ] || continue
  if node -e 'process.exit(require(process.argv[1]).scripts?.bench ? 0 : 1)' "$ROOT/$dir/package.json"; then
    found=1
    log "── bench $(basename "$dir")"
    (cd "$dir" && pnpm run --silent bench)
  fi
done
[ "$found" = 1 ] || log "no package defines a bench script yet"

# The Spark jobs' benchmarks (Python): each prints its figures beside a baseline of the same run.
log "── bench processing-jobs: batch sessionization throughput (1M and 10M generated events, local[2])"
(cd packages/processing-jobs && "$TOOLS_DIR/uv/bin/uv" run --locked python bench/sessionize_batch.py)
