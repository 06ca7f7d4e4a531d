#!/usr/bin/env bash
# S3-compatible server for the local stack: moto in server mode, on S3_HOST:S3_PORT.
# moto keeps everything in memory: objects and buckets are gone after a stop (see README.md).
# Usage: scripts/stack/s3.sh install|start|stop|status|purge
#   install  uv sync the scripts/stack/python project (moto and the S3 tests)
#   start    install, start moto, wait until healthy, create S3_BUCKET
#   stop     stop the server this script started (SIGKILL after STACK_STOP_TIMEOUT s)
#   status   exit 0 when running and answering S3 requests
#   purge    stop, then delete the server's logs
# shellcheck disable=SC2153 # S3_* come from stack.env through load_stack_env
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=common.sh
source "$HERE/common.sh"

PROJECT="$HERE/python"
VENV="$PROJECT/.venv"
S_DIR="$STACK_DIR/s3"
LOG_FILE="$S_DIR/moto.log"
PIDFILE="$S_DIR/moto.pid"
START_TIMEOUT="${S3_START_TIMEOUT:-30}"
SERVER_CMD=("$VENV/bin/moto_server" -H "$S3_HOST" -p "$S3_PORT")
# The command line that identifies our server in /proc/PID/cmdline.
MARKER="${SERVER_CMD[*]}"

install() {
  if [ ! -x "$UV" ]; then
    log "s3: uv is missing; running scripts/bootstrap.sh python"
    bash "$ROOT/scripts/bootstrap.sh" python
  fi
  (cd "$PROJECT" && run_uv sync --locked --quiet) || die "s3: uv sync failed in ${PROJECT#"$ROOT"/}"
}

# healthy: moto answers ListBuckets on the endpoint.
healthy() {
  curl -fsS -o /dev/null --max-time 2 "$S3_ENDPOINT_URL/" 2>/dev/null
}

wait_ready() {
  local pid="$1" deadline=$((SECONDS + START_TIMEOUT))
  while ((SECONDS < deadline)); do
    alive "$pid" || fail_with_logs s3 "moto exited during startup" "$LOG_FILE"
    healthy && return 0
    sleep 0.2
  done
  fail_with_logs s3 "no answer on $S3_ENDPOINT_URL after ${START_TIMEOUT}s" "$LOG_FILE"
}

ensure_bucket() {
  local url="$S3_ENDPOINT_URL/$S3_BUCKET" code
  code="$(curl -sS -o /dev/null -w '%{http_code}' --max-time 5 -I "$url")" || die "s3: HEAD $url failed"
  if [ "$code" = 200 ]; then
    log "s3: bucket $S3_BUCKET exists"
    return 0
  fi
  # moto checks no signature, so a plain PUT creates the bucket; us-east-1 needs no location body.
  local body=()
  if [ "$S3_REGION" != us-east-1 ]; then
    body=(--data "<CreateBucketConfiguration><LocationConstraint>$S3_REGION</LocationConstraint></CreateBucketConfiguration>")
  fi
  curl -fsS -o /dev/null --max-time 5 -X PUT "${body[@]}" "$url" || die "s3: could not create bucket $S3_BUCKET"
  log "s3: created bucket $S3_BUCKET"
}

start() {
  local pid
  clean_stale "$PIDFILE" "$MARKER" s3
  if pid="$(pid_of "$PIDFILE" "$MARKER")"; then
    wait_ready "$pid"
    log "s3: already running (pid $pid) on $S3_ENDPOINT_URL"
    ensure_bucket
    return 0
  fi
  if port_open "$S3_HOST" "$S3_PORT"; then
    die "s3: port $S3_PORT is taken by a process this stack did not start ($(port_owner_hint "$S3_PORT"))"
  fi
  install
  mkdir -p "$S_DIR"
  log "s3: starting moto on $S3_ENDPOINT_URL (log in ${LOG_FILE#"$ROOT"/}; data is in memory only)"
  start_daemon "$PIDFILE" "$LOG_FILE" "${SERVER_CMD[@]}"
  pid="$(cat "$PIDFILE")"
  wait_ready "$pid"
  ensure_bucket
  log "s3: ready (pid $pid)"
}

status() {
  local pid
  if pid="$(pid_of "$PIDFILE" "$MARKER")"; then
    if healthy; then
      echo "s3: running (pid $pid) on $S3_ENDPOINT_URL, bucket $S3_BUCKET"
      return 0
    fi
    echo "s3: process $pid is up but $S3_ENDPOINT_URL does not answer"
    return 1
  fi
  echo "s3: stopped"
  return 1
}

purge() {
  stop_pid "$PIDFILE" "$MARKER" s3
  log "s3: deleting ${S_DIR#"$ROOT"/}"
  rm -rf "$S_DIR"
}

case "${1:-}" in
  start | stop | purge) lock_service s3 ;;
esac
case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop_pid "$PIDFILE" "$MARKER" s3 ;;
  status) status ;;
  purge) purge ;;
  *) die "usage: $0 install|start|stop|status|purge" ;;
esac
