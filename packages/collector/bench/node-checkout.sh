#!/usr/bin/env bash
# Prepares a copy of the repo at <git-ref> (default HEAD) whose collector is installed for another Node,
# so that `BENCH_NODE=<node> BENCH_SERVER_CHECKOUT=<dir>` can run the collector benchmark's servers on
# it: librdkafka's binding is compiled for one Node ABI. The copy is `git archive` of the commit under
# .stack/bench-node/<node version>-<commit> (no worktree is registered), its collector and contract
# installed from pnpm's store (offline) with that Node first on PATH, and the contract built.
# Idempotent; prints the copy's path on stdout (logs go to stderr).
#   bash packages/collector/bench/node-checkout.sh /usr/bin/node [git-ref]
set -euo pipefail
source "$(dirname "$0")/../../../scripts/lib.sh"
case $# in 1 | 2) ;; *) die "usage: node-checkout.sh <node binary> [git-ref]" ;; esac
node_bin="$(readlink -f "$(command -v "$1")")"
[ -x "$node_bin" ] || die "$1 is not an executable"
version="$("$node_bin" --version)"
# node-gyp needs that Node's own headers, offline.
node_prefix="$(dirname "$(dirname "$node_bin")")"
[ -f "$node_prefix/include/node/node.h" ] || die "no headers for Node $version under $node_prefix/include/node"
commit="$(git -C "$ROOT" rev-parse --short=12 "${2:-HEAD}^{commit}")"
dir="$STACK_DIR/bench-node/$version-$commit"
if [ ! -f "$dir/.ready" ]; then
  rm -rf "$dir"
  mkdir -p "$dir/.node-bin"
  git -C "$ROOT" archive "$commit" | tar -x -C "$dir"
  ln -s "$node_bin" "$dir/.node-bin/node"
  log "installing @shop/collector for Node $version in $dir"
  (cd "$dir" && export PATH="$dir/.node-bin:$PATH" npm_config_nodedir="$node_prefix" CI=true \
    && "$PNPM" install --frozen-lockfile --offline --reporter=silent --filter "@shop/collector..." >&2 \
    && "$PNPM" --filter @shop/event-schema build >&2 \
    && cd packages/collector && node -e 'require("@confluentinc/kafka-javascript")')
  touch "$dir/.ready"
fi
echo "$dir"
