# Sourced by the fraud-stream benchmarks: the stack's helpers, the generator's build, the write key, and
# bench_start OUT: a clean results folder, the stack and a collector up, both stream and collector stopped on exit.
# shellcheck shell=bash
# shellcheck source=../../../scripts/stack/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../../scripts/stack/common.sh"
require_pinned_node
cd "$ROOT" || exit 1

# shellcheck disable=SC2034 # used by the scripts that source this one
GEN="examples/load-generator/dist"
WRITE_KEY="${COLLECTOR_WRITE_KEYS:-demo-write-key=demo-web-shop}"
WRITE_KEY="${WRITE_KEY%%=*}"

bench_start() {
  rm -rf "$1" && mkdir -p "$1"
  bash scripts/stack/up.sh >/dev/null
  bash scripts/demo.sh collector
  trap 'bash scripts/stack/stream.sh stop; bash scripts/demo.sh stop' EXIT
}
