# Shared shell helpers: repo paths, tool locations and the stack's settings.
# Sourced by the other scripts; sets nothing on the machine outside the repo and its caches.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="$ROOT/.tools"
# Overridable so a fault test can run a throwaway broker with its own state beside the shared one.
STACK_DIR="${STACK_DIR:-$ROOT/.stack}"
PNPM_VERSION="12.4.2"
UV_VERSION="0.13.8"
PNPM="$TOOLS_DIR/node/node_modules/.bin/pnpm"
UV="$TOOLS_DIR/uv/bin/uv"
# uv must use the machine's Python: downloading interpreters is not possible here.
export UV_PYTHON_DOWNLOADS=never
export UV_PYTHON="${UV_PYTHON:-python3.11}"
# The AWS SDK warns on every start that releases after January 2027 need Node 22; we pin it on Node 20.
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED="${AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED:-true}"
# @confluentinc/kafka-javascript builds librdkafka at install; its default static build downloads
# OpenSSL & co. from the internet, the dynamic one links Debian's -dev packages (bootstrap.sh node).
export CKJS_LINKING="${CKJS_LINKING:-dynamic}"
# node-gyp fetches Node's headers from the internet unless told where the installed ones are.
if [ -z "${npm_config_nodedir:-}" ] && command -v node >/dev/null 2>&1; then
  _node_prefix="$(dirname "$(dirname "$(command -v node)")")"
  if [ -f "$_node_prefix/include/node/node.h" ]; then export npm_config_nodedir="$_node_prefix"; fi
  unset _node_prefix
fi

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
