#!/usr/bin/env bash
# The streaming jobs of packages/processing-jobs as local services, on local Spark against the stack:
#   fraud         shop_jobs.jobs.fraud_stream: the raw events topic → alerts.fraud and s3a://$S3_BUCKET/fraud_alerts
#   live-metrics  shop_jobs.jobs.live_metrics: the raw events topic → metrics.live and s3a://$S3_BUCKET/live_metrics
#   sessions      shop_jobs.jobs.sessions_stream: the lake's event files (s3a://$S3_BUCKET/events) → closed
#                 sessions appended to s3a://$S3_BUCKET/sessions
# Usage: scripts/stack/stream.sh [fraud|live-metrics|sessions] start|stop|restart|status|purge   (default: fraud)
#   start    start the stack if needed, then the job; wait until it is ready (see ready below)
#   stop     stop the job and its Spark JVM (SIGTERM, SIGKILL after STACK_STOP_TIMEOUT s); its checkpoint
#            stays. `stop --quiet` says nothing when nothing runs (down.sh)
#   restart  stop, then start (it resumes from the checkpoint: nothing is lost or counted twice)
#   status   exit 0 when the job is running ("starting" until it is ready); prints its last committed batch
#   purge    stop, then delete the checkpoint, state and log (the next start reads its source from the start)
# Per stream (PREFIX: FRAUD, LIVE_METRICS, SESSIONS): PREFIX_STREAM_DIR (default .stack/stream/<name>),
# PREFIX_STREAM_ARGS (extra job arguments, word-split), PREFIX_STREAM_START_TIMEOUT (seconds, default 180).
# The checkpoint is on local disk (<dir>/checkpoint). A Kafka-fed stream's checkpoint follows the broker's
# data: a broker whose data was purged (a new cluster id) gets a fresh checkpoint instead of offsets it never had.
# shellcheck disable=SC2153 # KAFKA_* and S3_* come from stack.env through load_stack_env
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=common.sh
source "$HERE/common.sh"

JOBS="$ROOT/packages/processing-jobs"
STREAMS="fraud live-metrics sessions"
NAME=fraud
case "${1:-}" in
  fraud | live-metrics | sessions) NAME="$1" && shift ;;
esac
PREFIX="$(printf '%s' "$NAME" | tr 'a-z-' 'A-Z_')"
dir_var="${PREFIX}_STREAM_DIR" args_var="${PREFIX}_STREAM_ARGS" timeout_var="${PREFIX}_STREAM_START_TIMEOUT"
# Absolute: it is part of the markers below, and the job runs from another directory than the caller.
STREAM_DIR="$(realpath -m -- "${!dir_var:-$STACK_DIR/stream/$NAME}")"
CHECKPOINT="$STREAM_DIR/checkpoint"
# Extra arguments for the job (e.g. "--trigger-seconds 0.5"); word-split on purpose.
EXTRA_ARGS="${!args_var:-}"
START_TIMEOUT="${!timeout_var:-180}"
case "$NAME" in
  fraud)
    MODULE=shop_jobs.jobs.fraud_stream FROM_KAFKA=1
    JOB_ARGS=(--brokers "$KAFKA_BROKERS" --topic "$KAFKA_TOPIC_RAW" --alerts-topic "$KAFKA_TOPIC_FRAUD"
      --alerts-path "s3a://$S3_BUCKET/fraud_alerts" --starting-offsets earliest)
    ;;
  live-metrics)
    MODULE=shop_jobs.jobs.live_metrics FROM_KAFKA=1
    JOB_ARGS=(--brokers "$KAFKA_BROKERS" --topic "$KAFKA_TOPIC_RAW" --metrics-topic "$KAFKA_TOPIC_METRICS"
      --metrics-path "s3a://$S3_BUCKET/live_metrics" --starting-offsets earliest)
    ;;
  sessions)
    MODULE=shop_jobs.jobs.sessions_stream FROM_KAFKA=0
    JOB_ARGS=(--events-path "s3a://$S3_BUCKET/events" --sessions-path "s3a://$S3_BUCKET/sessions")
    ;;
esac
JOB="${MODULE##*.}"
LABEL="stream $NAME"
CLUSTER_STAMP="$STREAM_DIR/kafka-cluster-id"
PIDFILE="$STREAM_DIR/$JOB.pid"
LOG_FILE="$STREAM_DIR/$JOB.log"
LOG4J="$STREAM_DIR/log4j2.properties"
# Beside the folder, not in it: purge deletes the folder while holding the lock.
LOCK_FILE="$STREAM_DIR.lock"
# Identifies our job in /proc/PID/cmdline: the module and this checkpoint.
MARKER="$MODULE --checkpoint $CHECKPOINT"
# Identifies its Spark JVM (pyspark starts it as a child of the job): the log configuration below, which is
# this stream's own. A JVM whose driver was killed goes on for a few seconds; stop waits for it as well.
JVM_MARKER="-Dlog4j2.configurationFile=$LOG4J"
# What Spark logs (ProgressReporter, INFO) when a trigger found nothing to read, every
# spark.sql.streaming.noDataProgressEventInterval (10 s) while the query idles.
IDLE_LINE="Streaming query has been idle"
# What the sessions job prints once when the lake has no event files yet (sessions_stream.WAITING_FOR_EVENTS):
# it is up and starts its query when the sink's first file lands.
WAITING_LINE="waiting for the lake's first event files"

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
    log "$LABEL: the broker's data is new (cluster $cluster); starting from a fresh checkpoint"
    rm -rf "$CHECKPOINT"
  fi
  mkdir -p "$STREAM_DIR"
  [ -n "$cluster" ] && printf '%s\n' "$cluster" >"$CLUSTER_STAMP"
  return 0
}

# A file-fed stream's checkpoint lists the lake files it has read; moto keeps the lake in memory, so after an
# S3 restart the sink writes new files under the same keys, which that list would skip. A stamp object in the
# bucket, matched by a copy beside the checkpoint, tells a lake the checkpoint has seen from a new one.
match_checkpoint_to_lake() {
  local url="$S3_ENDPOINT_URL/$S3_BUCKET/_stack/stream-$NAME.stamp" stamp_file="$STREAM_DIR/lake-stamp" lake ours
  lake="$(s3_curl "$url" 2>/dev/null || true)"
  ours="$(cat "$stamp_file" 2>/dev/null || true)"
  if [ -d "$CHECKPOINT" ] && { [ -z "$lake" ] || [ "$lake" != "$ours" ]; }; then
    log "$LABEL: the lake is new (no stamp of this checkpoint in s3://$S3_BUCKET); starting from a fresh checkpoint"
    rm -rf "$CHECKPOINT"
  fi
  mkdir -p "$STREAM_DIR"
  if [ -z "$lake" ] || [ "$lake" != "$ours" ]; then
    lake="$(date +%s%N)-$$"
    s3_curl -X PUT -H "Content-Type: application/octet-stream" --data-binary "$lake" "$url" >/dev/null || die "$LABEL: could not write $url"
    printf '%s' "$lake" >"$stamp_file"
  fi
}

# Spark's own defaults (WARN on the console, which is the log file), plus the one INFO message readiness
# needs. Written at every start; the path is also how stop finds the JVM.
render_log4j() {
  cat >"$LOG4J" <<'EOF'
# Generated by scripts/stack/stream.sh at every start; edits are overwritten.
rootLogger.level = warn
rootLogger.appenderRef.stdout.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n%ex
logger.jetty.name = org.sparkproject.jetty
logger.jetty.level = warn
logger.jetty2.name = org.sparkproject.jetty.util.component.AbstractLifeCycle
logger.jetty2.level = error
logger.parquet.name = org.apache.parquet.CorruptStatistics
logger.parquet.level = error
# A read of a partition that does not exist yet (lake.path_exists asks before a table's first write) logs a
# warning with a stack trace; the answer is expected.
logger.filesink.name = org.apache.spark.sql.execution.streaming.sinks.FileStreamSink
logger.filesink.level = error
# stream.sh's readiness: the query's idle report ("Streaming query has been idle ..."), one line every 10 s
# while there is nothing to read. The logger's other INFO message, "made progress", a JSON of several KB
# a micro-batch, is left out.
logger.progress.name = org.apache.spark.sql.execution.streaming.runtime.ProgressReporter
logger.progress.level = info
logger.progress.filter.noprogress.type = RegexFilter
logger.progress.filter.noprogress.regex = (?s)(?!Streaming query made progress).*
logger.progress.filter.noprogress.onMatch = NEUTRAL
logger.progress.filter.noprogress.onMismatch = DENY
EOF
}

# last_commit: the newest committed batch id, or nothing.
last_commit() {
  find "$CHECKPOINT/commits" -maxdepth 1 -name '[0-9]*' -printf '%f\n' 2>/dev/null | sort -n | tail -n 1
}

# ready: the running job has finished its query's first trigger, so it reached the checkpoint, Kafka (and,
# with data, S3 and the alerts topic). A trigger with data commits a batch: a commit file newer than the PID
# file, which start_daemon wrote before the job started. One without data commits nothing (a restart onto a
# caught-up checkpoint runs no batch), and Spark reports the query idle instead: the log only holds this
# run's lines (start_daemon truncates it). The sessions job on a lake without event files waits before its
# query starts, and says so.
ready() {
  [ -n "$(find "$CHECKPOINT/commits" -maxdepth 1 -name '[0-9]*' -newer "$PIDFILE" -print -quit 2>/dev/null)" ] \
    || grep -qF -e "$IDLE_LINE" -e "$WAITING_LINE" "$LOG_FILE" 2>/dev/null
}

wait_ready() {
  local pid="$1" deadline=$((SECONDS + START_TIMEOUT))
  while ((SECONDS < deadline)); do
    alive "$pid" || fail_with_logs "$LABEL" "the job exited during startup" "$LOG_FILE"
    ready && return 0
    sleep 0.5
  done
  fail_with_logs "$LABEL" "no micro-batch committed and no idle report after ${START_TIMEOUT}s (the job is left running)" \
    "$LOG_FILE"
}

describe_last_commit() {
  local batch
  batch="$(last_commit)"
  if [ -z "$batch" ]; then
    echo "no batch committed yet"
  else
    echo "last committed batch $batch ($(date -r "$CHECKPOINT/commits/$batch" '+%F %T'))"
  fi
}

start() {
  local pid leftover
  if pid="$(pid_of "$PIDFILE" "$MARKER")"; then
    wait_ready "$pid"
    log "$LABEL: already running (pid $pid), $(describe_last_commit)"
    return 0
  fi
  # A Spark JVM whose driver was killed (SIGKILL, OOM) works on for a few seconds; it must be gone before a
  # new query opens the same checkpoint. (Before clean_stale: stop_pid finds its session by the PID file.)
  leftover="$(pids_by_marker "$JVM_MARKER" | tr '\n' ' ')"
  if [ -n "$leftover" ]; then
    log "$LABEL: the previous run's Spark JVM is still exiting (pid ${leftover% })"
    stop_pid "$PIDFILE" "$MARKER" "$LABEL" "$JVM_MARKER"
  fi
  clean_stale "$PIDFILE" "$MARKER" "$LABEL"
  [ -x "$JOBS/.venv/bin/python" ] || bash "$ROOT/scripts/bootstrap.sh" python
  bash "$HERE/up.sh" >/dev/null
  if [ "$FROM_KAFKA" = 1 ]; then match_checkpoint_to_broker; else match_checkpoint_to_lake; fi
  render_log4j
  log "$LABEL: starting $MODULE (log in ${LOG_FILE#"$ROOT"/})"
  # Spark starts its Python workers with PYSPARK_PYTHON, else `python3` from PATH: that is the machine's
  # interpreter, which lacks shop_jobs (the state function's pickle then fails to load in the worker).
  export PYSPARK_PYTHON="$JOBS/.venv/bin/python"
  # JVM options of the driver JVM that pyspark launches through spark-submit.
  export SPARK_SUBMIT_OPTS="${SPARK_SUBMIT_OPTS:+$SPARK_SUBMIT_OPTS }$JVM_MARKER"
  # shellcheck disable=SC2086 # EXTRA_ARGS is a list of arguments
  start_daemon "$PIDFILE" "$LOG_FILE" "$JOBS/.venv/bin/python" -m "$MODULE" --checkpoint "$CHECKPOINT" \
    "${JOB_ARGS[@]}" $EXTRA_ARGS
  pid="$(cat "$PIDFILE")"
  wait_ready "$pid"
  log "$LABEL: ready (pid $pid, up in $(($(date +%s) - $(stat -c %Y "$PIDFILE")))s), $(describe_last_commit)"
}

stop() {
  stop_pid "$PIDFILE" "$MARKER" "$LABEL" "$JVM_MARKER"
}

status() {
  local pid leftover
  if pid="$(pid_of "$PIDFILE" "$MARKER")"; then
    if ready; then
      echo "$LABEL: running (pid $pid), $(describe_last_commit)"
    else
      echo "$LABEL: starting (pid $pid), $(describe_last_commit)"
    fi
    return 0
  fi
  leftover="$(pids_by_marker "$JVM_MARKER" | tr '\n' ' ')"
  if [ -n "$leftover" ]; then
    echo "$LABEL: stopped, but its Spark JVM is still exiting (pid ${leftover% })"
  else
    echo "$LABEL: stopped"
  fi
  return 1
}

# Only what start writes: FRAUD_STREAM_DIR may be a folder that holds other things too.
purge() {
  stop
  log "$LABEL: deleting the checkpoint, state and log in ${STREAM_DIR#"$ROOT"/}"
  rm -rf "$CHECKPOINT"
  rm -f "$CLUSTER_STAMP" "$STREAM_DIR/lake-stamp" "$PIDFILE" "$LOG_FILE" "$LOG4J"
  rmdir "$STREAM_DIR" 2>/dev/null || true
}

action="${1:-}"
case "$action:${2:-}" in
  stop:--quiet) STOP_QUIET=1 ;;
  *:) ;;
  *) die "usage: $0 [${STREAMS// /|}] start|stop [--quiet]|restart|status|purge" ;;
esac
case "$action" in
  start | restart | purge) lock_service "$LABEL" "$LOCK_FILE" ;;
  # Nothing ever started here (down.sh asks on every run): no lock file to leave behind.
  stop) [ -e "$STREAM_DIR" ] || [ -e "$LOCK_FILE" ] && lock_service "$LABEL" "$LOCK_FILE" ;;
esac
case "$action" in
  start) start ;;
  stop) stop ;;
  restart) stop && start ;;
  status) status ;;
  purge) purge ;;
  *) die "usage: $0 [${STREAMS// /|}] start|stop [--quiet]|restart|status|purge" ;;
esac
