#!/usr/bin/env bash
# Prepares an earlier version of the repo for `bench:encode --baseline`: a git worktree of <git-ref>
# under .stack/bench-baseline/<commit>, with the sink's packages installed from pnpm's store (offline)
# and the contract built. Idempotent; prints the checkout's path on stdout (logs go to stderr).
#   bash packages/s3-sink/bench/baseline.sh <git-ref>
set -euo pipefail
source "$(dirname "$0")/../../../scripts/lib.sh"
[ $# -eq 1 ] || die "usage: baseline.sh <git-ref>"
require_pinned_node
export PATH="$ROOT/node_modules/.bin:$PATH"
commit="$(git -C "$ROOT" rev-parse --short=12 "$1^{commit}")"
dir="$STACK_DIR/bench-baseline/$commit"
if [ ! -f "$dir/.ready" ]; then
  rm -rf "$dir"
  git -C "$ROOT" worktree prune
  git -C "$ROOT" worktree add --detach "$dir" "$commit" >&2
  (cd "$dir" && CI=true pnpm install --frozen-lockfile --offline --filter "@shop/s3-sink..." >&2 \
    && pnpm --filter @shop/event-schema build >&2)
  touch "$dir/.ready"
fi
echo "$dir"
