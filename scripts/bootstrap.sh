#!/usr/bin/env bash
# Installs everything the project needs from the package registries, into the repo (.tools/) and the
# tools' own caches. Idempotent: a second run only checks. Usage: scripts/bootstrap.sh [node|python|browser|all]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
what="${1:-all}"

need() { command -v "$1" >/dev/null 2>&1 || die "$1 is required but not on PATH ($2)"; }

# The pinned Node and pnpm, both from the npm registry into .tools/node, installed by the machine's npm.
install_node_tools() {
  local node_ok=0 pnpm_ok=0
  [ -x "$NODE" ] && [ "$("$NODE" --version)" = "v$NODE_VERSION" ] && node_ok=1
  [ "$node_ok" = 1 ] && [ -x "$PNPM" ] && [ "$("$PNPM" --version)" = "$PNPM_VERSION" ] && pnpm_ok=1
  if [ "$node_ok" = 0 ] || [ "$pnpm_ok" = 0 ]; then
    need npm "npm, with any Node, installs the pinned Node $NODE_VERSION"
    log "installing Node $NODE_VERSION ($NODE_PACKAGE) and pnpm $PNPM_VERSION into .tools/node"
    mkdir -p "$TOOLS_DIR/node"
    npm install --prefix "$TOOLS_DIR/node" --no-audit --no-fund --loglevel=error --save-exact \
      "$NODE_PACKAGE@$NODE_VERSION" "pnpm@$PNPM_VERSION" >/dev/null
    [ "$("$NODE" --version)" = "v$NODE_VERSION" ] || die "the installed Node is not $NODE_VERSION"
    [ -f "$NODE_HOME/include/node/node.h" ] || die "$NODE_PACKAGE@$NODE_VERSION lacks include/node (native builds need it)"
  fi
  use_pinned_node
}

install_uv() {
  if [ ! -x "$UV" ] || ! run_uv --version | grep -q "$UV_VERSION"; then
    log "installing uv $UV_VERSION into .tools/uv"
    rm -rf "$TOOLS_DIR/uv"
    python3 -m pip install --disable-pip-version-check -q --target "$TOOLS_DIR/uv" "uv==$UV_VERSION"
  fi
}

# Debian packages, with sudo when not root. Usage: apt_install WHY PACKAGE...
apt_install() {
  local why="$1"
  shift
  command -v apt-get >/dev/null 2>&1 || die "$why: install Debian's $*"
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  log "installing $* (Debian packages)"
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# Headers librdkafka links against when @confluentinc/kafka-javascript builds it from its bundled
# sources (CKJS_LINKING=dynamic, set in lib.sh): its prebuilt binaries come from a host we cannot reach.
LIBRDKAFKA_BUILD_DEPS=(libssl-dev zlib1g-dev libzstd-dev libsasl2-dev libcurl4-openssl-dev liblz4-dev)
librdkafka_build_deps() {
  dpkg-query -W -f='${Status}\n' "${LIBRDKAFKA_BUILD_DEPS[@]}" 2>/dev/null | grep -c '^install ok installed$' \
    | grep -qx "${#LIBRDKAFKA_BUILD_DEPS[@]}" && return 0
  apt_install "the Kafka client's native build needs librdkafka's build dependencies" "${LIBRDKAFKA_BUILD_DEPS[@]}"
}

# Addons compiled against one Node's ABI (NAN, not Node-API), as "<package dir>:<module>". pnpm install does
# not rebuild a package it already installed, so node_modules installed under another Node keeps addons
# that refuse to load; lz4-napi and DuckDB are prebuilt Node-API binaries and load on any Node.
ABI_ADDONS=("packages/collector:@confluentinc/kafka-javascript")
rebuild_stale_addons() {
  local entry dir module stale=()
  for entry in "${ABI_ADDONS[@]}"; do
    dir="${entry%%:*}" module="${entry#*:}"
    (cd "$ROOT/$dir" && "$NODE" -e 'require(process.argv[1])' "$module" >/dev/null 2>&1) || stale+=("$module")
  done
  [ ${#stale[@]} -eq 0 ] && return 0
  log "rebuilding ${stale[*]} for Node $NODE_VERSION (installed under another Node)"
  (cd "$ROOT" && "$PNPM" rebuild --recursive --reporter=silent "${stale[@]}")
  for entry in "${ABI_ADDONS[@]}"; do
    dir="${entry%%:*}" module="${entry#*:}"
    (cd "$ROOT/$dir" && "$NODE" -e 'require(process.argv[1])' "$module" >/dev/null) || die "$module does not load on Node $NODE_VERSION"
  done
}

node_deps() {
  install_node_tools
  librdkafka_build_deps
  log "pnpm install (frozen lockfile, Node $NODE_VERSION)"
  (cd "$ROOT" && "$PNPM" install --frozen-lockfile --reporter=silent)
  rebuild_stale_addons
}

python_deps() {
  need python3 "Python 3.11"
  need java "Java 17 for Kafka and Spark"
  install_uv
  local project
  for project in packages/processing-jobs packages/airflow-dags packages/query/transpile scripts/stack/python; do
    [ -f "$ROOT/$project/pyproject.toml" ] || continue
    log "uv sync $project (locked)"
    (cd "$ROOT/$project" && run_uv sync --locked --quiet)
  done
  # Spark reads s3a:// with hadoop-aws and a few AWS SDK modules, resolved by Maven (cached in ~/.m2).
  bash "$ROOT/packages/processing-jobs/scripts/fetch-jars.sh" >/dev/null
  # Kafka's jars, likewise; the broker itself starts with `make up`.
  bash "$ROOT/scripts/stack/kafka.sh" install
}

# Headless Chromium for the SDK's real-browser tests and benchmarks, from Debian (no browser downloads).
browser_deps() {
  [ -x /usr/bin/chromium ] && return 0
  apt_install "Chromium is needed for the browser tests" chromium
}

case "$what" in
  node) node_deps ;;
  python) python_deps ;;
  browser) browser_deps ;;
  all) node_deps; python_deps; browser_deps ;;
  *) die "usage: $0 [node|python|browser|all]" ;;
esac
