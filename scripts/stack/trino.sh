#!/usr/bin/env bash
# Trino (the engine behind Athena v3) as an optional service of the local stack: one node, coordinator and
# worker, on TRINO_HOST:TRINO_PORT, with a Hive catalog `hive` (file metastore under .stack/trino, Parquet in
# the stack's S3 server, partition projection on). Not part of `up.sh`: it costs ~0.9 GB of disk and a 2 GB heap,
# and only the query package's fidelity suite needs it (make test-trino).
# Usage: scripts/stack/trino.sh install|start|stop|status|purge
#   install  download io.trino:trino-server:$TRINO_VERSION from Maven Central once (checked against its .sha1)
#            and unpack it into .tools/trino/
#   start    install, write the config, start, wait until /v1/info says it is no longer starting
#   stop     stop the server this script started (SIGKILL after STACK_STOP_TIMEOUT s); `stop --quiet` says
#            nothing when it does not run (down.sh)
#   status   exit 0 when running and answering
#   purge    stop, then delete its config, metastore and logs
# Java: Trino 476 needs Java 24+. TRINO_JAVA_HOME wins; else JAVA_HOME if it is 24+; else the newest 24+ JDK
# under /usr/lib/jvm (TRINO_JVM_DIRS: other folders to look in).
# shellcheck disable=SC2153 # TRINO_* and S3_* come from stack.env through load_stack_env
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=common.sh
source "$HERE/common.sh"

TRINO_MAVEN_BASE="${TRINO_MAVEN_BASE:-https://repo1.maven.org/maven2}"
TARBALL_URL="$TRINO_MAVEN_BASE/io/trino/trino-server/$TRINO_VERSION/trino-server-$TRINO_VERSION.tar.gz"
CACHE_DIR="$TOOLS_DIR/trino"
TRINO_HOME="$CACHE_DIR/trino-server-$TRINO_VERSION"
T_DIR="$STACK_DIR/trino"
ETC="$T_DIR/etc"
DATA_DIR="$T_DIR/data"
PLUGIN_DIR="$T_DIR/plugin"
LOG_FILE="$T_DIR/trino.log"
PIDFILE="$T_DIR/trino.pid"
START_TIMEOUT="${TRINO_START_TIMEOUT:-180}"
# 2 GB by default: the machine's 2 cores and 24 GB are shared with Kafka, moto, Spark and the test runners.
HEAP="${TRINO_HEAP:-2G}"
QUERY_MAX_MEMORY="${TRINO_QUERY_MAX_MEMORY:-1GB}"
TRINO_URL="http://$TRINO_HOST:$TRINO_PORT"
# What identifies our server in /proc/PID/cmdline: its main class and this checkout's config path.
MARKER="-Dconfig=$ETC/config.properties"
MIN_JAVA=24

java_version_of() { # java_version_of JAVA_HOME: the feature version (25), or nothing
  local v
  [ -x "$1/bin/java" ] || return 0
  v="$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
  printf '%s\n' "${v%%.*}"
}

# find_java: prints a JAVA_HOME of Java 24+, or dies saying where it looked.
find_java() {
  local candidate v best="" best_v=0
  if [ -n "${TRINO_JAVA_HOME:-}" ]; then
    v="$(java_version_of "$TRINO_JAVA_HOME")"
    [ "${v:-0}" -ge "$MIN_JAVA" ] 2>/dev/null || die "trino: TRINO_JAVA_HOME=$TRINO_JAVA_HOME is not a Java $MIN_JAVA+ (found '${v:-no java}')"
    printf '%s\n' "$TRINO_JAVA_HOME"
    return 0
  fi
  for candidate in ${JAVA_HOME:+"$JAVA_HOME"} ${TRINO_JVM_DIRS:-} /usr/lib/jvm/*; do
    [ -d "$candidate" ] || continue
    # A folder of JDKs (TRINO_JVM_DIRS=/opt/java) is searched one level down.
    if [ ! -x "$candidate/bin/java" ]; then
      local inner
      for inner in "$candidate"/*/; do
        v="$(java_version_of "${inner%/}")"
        if [ "${v:-0}" -gt "$best_v" ] 2>/dev/null; then best="${inner%/}" best_v="$v"; fi
      done
      continue
    fi
    v="$(java_version_of "$candidate")"
    if [ "${v:-0}" -gt "$best_v" ] 2>/dev/null; then best="$candidate" best_v="$v"; fi
  done
  ((best_v >= MIN_JAVA)) \
    || die "trino: Trino $TRINO_VERSION needs Java $MIN_JAVA+; none in JAVA_HOME, TRINO_JVM_DIRS or /usr/lib/jvm (newest found: ${best_v}). Set TRINO_JAVA_HOME"
  printf '%s\n' "$best"
}

install() {
  [ -f "$TRINO_HOME/.complete" ] && return 0
  mkdir -p "$CACHE_DIR"
  local tarball="$CACHE_DIR/trino-server-$TRINO_VERSION.tar.gz" expected actual started=$SECONDS
  expected="$(curl -fsS --retry 3 --max-time 60 "$TARBALL_URL.sha1" | cut -c1-40)" \
    || die "trino: could not fetch $TARBALL_URL.sha1 (is Maven Central reachable?)"
  [[ "$expected" =~ ^[0-9a-f]{40}$ ]] || die "trino: $TARBALL_URL.sha1 is not a SHA-1 ('$expected')"
  actual="$(sha1sum "$tarball" 2>/dev/null | cut -c1-40 || true)"
  if [ "$actual" != "$expected" ]; then
    log "trino: downloading trino-server $TRINO_VERSION (~820 MB) into ${CACHE_DIR#"$ROOT"/}"
    # Into a scratch file first: an interrupted download must not look like a complete one.
    curl -fsS --retry 3 -o "$tarball.partial" "$TARBALL_URL" || die "trino: download of $TARBALL_URL failed"
    actual="$(sha1sum "$tarball.partial" | cut -c1-40)"
    [ "$actual" = "$expected" ] || { rm -f "$tarball.partial"; die "trino: SHA-1 mismatch for $TARBALL_URL: $actual, Maven Central says $expected"; }
    mv -f "$tarball.partial" "$tarball"
    log "trino: downloaded and verified in $((SECONDS - started))s"
  fi
  rm -rf "$TRINO_HOME.partial"
  mkdir -p "$TRINO_HOME.partial"
  tar -xzf "$tarball" -C "$TRINO_HOME.partial" --strip-components=1 || die "trino: could not unpack $tarball"
  rm -rf "$TRINO_HOME"
  mv "$TRINO_HOME.partial" "$TRINO_HOME"
  touch "$TRINO_HOME/.complete"
  # The unpacked server is what is used; the tarball would only double the disk space.
  rm -f "$tarball"
}

# Regenerated at every start so that a change in stack.env takes effect; the metastore stays.
render_config() {
  mkdir -p "$ETC/catalog" "$DATA_DIR" "$T_DIR/metastore" "$PLUGIN_DIR"
  # Only the Hive connector: loading the tarball's ~60 plugins would add seconds and memory for nothing.
  ln -sfn "$TRINO_HOME/plugin/hive" "$PLUGIN_DIR/hive"
  cat >"$ETC/node.properties" <<EOF
# Generated by scripts/stack/trino.sh from stack.env; edits are overwritten on the next start.
node.environment=shop_local
node.id=shop-local-trino
node.data-dir=$DATA_DIR
# Loopback only, like the rest of the stack.
node.bind-ip=$TRINO_HOST
node.internal-address=$TRINO_HOST
EOF
  cat >"$ETC/jvm.config" <<EOF
-server
-Xmx$HEAP
-XX:+UseG1GC
-XX:+ExitOnOutOfMemoryError
-XX:+HeapDumpOnOutOfMemoryError
-XX:HeapDumpPath=$T_DIR
-XX:ReservedCodeCacheSize=256M
-Djdk.attach.allowAttachSelf=true
-XX:+EnableDynamicAgentLoading
# Athena runs in UTC; the JVM zone is the default of several time zone settings below.
-Duser.timezone=UTC
EOF
  cat >"$ETC/config.properties" <<EOF
coordinator=true
node-scheduler.include-coordinator=true
http-server.http.port=$TRINO_PORT
discovery.uri=$TRINO_URL
http-server.log.enabled=false
plugin.dir=$PLUGIN_DIR
query.max-memory=$QUERY_MAX_MEMORY
query.max-memory-per-node=$QUERY_MAX_MEMORY
EOF
  cat >"$ETC/log.properties" <<EOF
io.trino=INFO
EOF
  # The metastore is a folder of JSON files on local disk (local:// is rooted at local.location); the
  # tables' data is in the stack's S3 server, read with Trino's native S3 client.
  cat >"$ETC/catalog/hive.properties" <<EOF
connector.name=hive
hive.metastore=file
hive.metastore.catalog.dir=local:///metastore
fs.native-local.enabled=true
local.location=$T_DIR
fs.native-s3.enabled=true
s3.endpoint=$S3_ENDPOINT_URL
s3.region=$S3_REGION
s3.path-style-access=true
s3.aws-access-key=$AWS_ACCESS_KEY_ID
s3.aws-secret-key=$AWS_SECRET_ACCESS_KEY
# Parquet timestamps that are not flagged adjusted-to-UTC are read as UTC, as Athena and the local engine do.
hive.parquet.time-zone=UTC
# Athena's projection properties (projection.*, storage.location.template) are honoured.
hive.partition-projection-enabled=true
# External tables (external_location) and their drops, as Athena's DDL creates them.
hive.non-managed-table-writes-enabled=true
EOF
}

# healthy: /v1/info answers and the server has finished starting (catalogs loaded).
healthy() {
  curl -fsS --max-time 2 "$TRINO_URL/v1/info" 2>/dev/null | grep -q '"starting":false'
}

wait_ready() {
  local pid="$1" deadline=$((SECONDS + START_TIMEOUT))
  while ((SECONDS < deadline)); do
    alive "$pid" || fail_with_logs trino "the server exited during startup" "$LOG_FILE"
    healthy && return 0
    sleep 0.5
  done
  fail_with_logs trino "not ready on $TRINO_URL after ${START_TIMEOUT}s (the server is left running)" "$LOG_FILE"
}

start() {
  local pid java_home started=$SECONDS
  clean_stale "$PIDFILE" "$MARKER" trino
  if pid="$(pid_of "$PIDFILE" "$MARKER")"; then
    wait_ready "$pid"
    log "trino: already running (pid $pid) on $TRINO_URL"
    return 0
  fi
  if port_open "$TRINO_HOST" "$TRINO_PORT"; then
    die "trino: port $TRINO_PORT is taken by a process this stack did not start ($(port_owner_hint "$TRINO_PORT"))"
  fi
  java_home="$(find_java)"
  install
  render_config
  log "trino: starting $TRINO_VERSION on $TRINO_URL with $java_home (log in ${LOG_FILE#"$ROOT"/})"
  # `launcher run` execs the JVM in the foreground, so the recorded PID is the server's own. The launcher
  # keeps a PID file of its own and refuses to start while it names a live process (a recycled PID, after a
  # kill): ours was checked above, so its file is only in the way.
  rm -f "$T_DIR/launcher.pid"
  start_daemon "$PIDFILE" "$LOG_FILE" "$TRINO_HOME/bin/launcher" run --etc-dir "$ETC" --data-dir "$DATA_DIR" \
    --pid-file "$T_DIR/launcher.pid" --jvm-dir "$java_home"
  pid="$(cat "$PIDFILE")"
  wait_ready "$pid"
  log "trino: ready (pid $pid, up in $((SECONDS - started))s)"
}

status() {
  local pid
  if pid="$(pid_of "$PIDFILE" "$MARKER")"; then
    if healthy; then
      echo "trino: running (pid $pid) on $TRINO_URL"
      return 0
    fi
    echo "trino: process $pid is up but $TRINO_URL is not ready"
    return 1
  fi
  echo "trino: stopped"
  return 1
}

purge() {
  stop_pid "$PIDFILE" "$MARKER" trino
  log "trino: deleting ${T_DIR#"$ROOT"/}"
  rm -rf "$T_DIR"
}

case "${1:-}:${2:-}" in
  stop:--quiet) STOP_QUIET=1 ;;
  *:) ;;
  *) die "usage: $0 install|start|stop [--quiet]|status|purge" ;;
esac
case "${1:-}" in
  start | stop | purge) lock_service trino ;;
esac
case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop_pid "$PIDFILE" "$MARKER" trino ;;
  status) status ;;
  purge) purge ;;
  *) die "usage: $0 install|start|stop [--quiet]|status|purge" ;;
esac
