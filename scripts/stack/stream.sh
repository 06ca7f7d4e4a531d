#!/usr/bin/env bash
# The fraud scoring stream (packages/processing-jobs, shop_jobs.jobs.fraud_stream) as a local service:
# local Spark reading the stack's raw events topic, alerts to alerts.fraud and s3a://$S3_BUCKET/fraud_alerts.
# Usage: scripts/stack/stream.sh start|stop|restart|status|purge
#   start    start the stack if needed, then the job; wait until its first micro-batch has committed
#   stop     stop the job (SIGTERM, SIGKILL after STACK_STOP_TIMEOUT s); its checkpoint stays
#   restart  stop, then start (it resumes from the checkpoint: nothing is lost or scored twice)
#   status   exit 0 when the job is running; prints its last committed batch
#   purge    stop, then delete the checkpoint, state and log (the next start reads the topic from the start)
# The checkpoint is on local disk ($FRAUD_STREAM_DIR/checkpoint): it follows the broker's data, so a broker
# whose data was purged (a new cluster id) gets a fresh checkpoint instead of offsets it never had.
# shellcheck disable=SC2153 # KAFKA_* and S3_* come from stack.env through load_stack_env
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=common.sh
source "$HERE/common.sh"

JOBS="$ROOT/packages/processing-jobs"
STREAM_DIR="${FRAUD_STREAM_DIR:-$STACK_DIR/stream/fraud}"
CHECKPOINT="$STREAM_DIR/checkpoint"
CLUSTER_STAMP="$STREAM_DIR/kafka-cluster-id"
PIDFILE="$STREAM_DIR/fraud_stream.pid"
LOG_FILE="$STREAM_DIR/fraud_stream.log"
START_TIMEOUT="${FRAUD_STREAM_START_TIMEOUT:-180}"
# Extra arguments for the job (e.g. "--trigger-seconds 0.5 --rules my-rules.yaml"); word-split on purpose.
EXTRA_ARGS="${FRAUD_STREAM_ARGS:-}"
# Identifies our job in /proc/PID/cmdline: the module and this checkpoint.
MARKER="shop_jobs.jobs.fraud_stream --checkpoint $CHECKPOINT"

kafka_cluster_id() {
  sed -n 's/^cluster.id=//p' "$STACK_DIR/kafka/data/meta.properties" 2>/dev/null || true
}

# A checkpoint holds offsets of one broker's topic; after `down --purge` the broker starts empty and
# Spark would refuse the offsets it no longer has.
match_checkpoint_to_broker() {
  local cluster stamped
  cluster="$(kafka_cluster_id)"
  stamped="$(cat "$CLUSTER_STAMP" 2>/dev/null || true)"
  if [ -d "$CHECKPOINT" ] && [ -n "$cluster" ] && [ "$cluster" != "$stamped" ]; then
    log "stream: the broker's data is new (cluster $cluster); starting from a fresh checkpoint"
    rm -rf "$CHECKPOINT"
  fi
  mkdir -p "$STREAM_DIR"
  [ -n "$cluster" ] && printf '%s\n' "$cluster" >"$CLUSTER_STAMP"
  return 0
}

# last_commit: the newest committed batch id, or nothing.
last_commit() {
  find "$CHECKPOINT/commits" -maxdepth 1 -name '[0-9]*' -printf '%f\n' 2>/dev/null | sort -n | tail -n 1
}

wait_ready() {
  local pid="$1" deadline=$((SECONDS + START_TIMEOUT))
  while ((SECONDS < deadline)); do
    alive "$pid" || fail_with_logs stream "the job exited during startup" "$LOG_FILE"
    [ -n "$(last_commit)" ] && return 0
    sleep 0.5
  done
  fail_with_logs stream "no micro-batch committed after ${START_TIMEOUT}s" "$LOG_FILE"
}

start() {
  local pid
  clean_stale "$PIDFILE" "$MARKER" stream
  if pid="$(pid_of "$PIDFILE" "$MARKER")"; then
    wait_ready "$pid"
    log "stream: already running (pid $pid), last batch $(last_commit)"
    return 0
  fi
  [ -x "$JOBS/.venv/bin/python" ] || bash "$ROOT/scripts/bootstrap.sh" python
  bash "$HERE/up.sh" >/dev/null
  match_checkpoint_to_broker
  log "stream: starting the fraud scoring job (log in ${LOG_FILE#"$ROOT"/})"
  # Spark starts its Python workers with PYSPARK_PYTHON, else `python3` from PATH: that is the machine's
  # interpreter, which lacks shop_jobs (the state function's pickle then fails to load in the worker).
  export PYSPARK_PYTHON="$JOBS/.venv/bin/python"
  # shellcheck disable=SC2086 # EXTRA_ARGS is a list of arguments
  start_daemon "$PIDFILE" "$LOG_FILE" "$JOBS/.venv/bin/python" -m shop_jobs.jobs.fraud_stream \
    --checkpoint "$CHECKPOINT" \
    --brokers "$KAFKA_BROKERS" --topic "$KAFKA_TOPIC_RAW" --alerts-topic "$KAFKA_TOPIC_FRAUD" \
    --alerts-path "s3a://$S3_BUCKET/fraud_alerts" --starting-offsets earliest $EXTRA_ARGS
  pid="$(cat "$PIDFILE")"
  wait_ready "$pid"
  log "stream: ready (pid $pid)"
}

status() {
  local pid
  if pid="$(pid_of "$PIDFILE" "$MARKER")"; then
    echo "stream: running (pid $pid), last committed batch ${CHECKPOINT#"$ROOT"/}/commits/$(last_commit)"
    return 0
  fi
  echo "stream: stopped"
  return 1
}

purge() {
  stop_pid "$PIDFILE" "$MARKER" stream
  log "stream: deleting ${STREAM_DIR#"$ROOT"/}"
  rm -rf "$STREAM_DIR"
}

case "${1:-}" in
  start | stop | restart | purge) lock_service stream ;;
esac
case "${1:-}" in
  start) start ;;
  stop) stop_pid "$PIDFILE" "$MARKER" stream ;;
  restart) stop_pid "$PIDFILE" "$MARKER" stream && start ;;
  status) status ;;
  purge) purge ;;
  *) die "usage: $0 start|stop|restart|status|purge" ;;
esac
