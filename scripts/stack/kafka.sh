#!/usr/bin/env bash
# One-node Apache Kafka (KRaft, broker+controller) on loopback, assembled from Maven Central jars.
# Usage: scripts/stack/kafka.sh install|start|stop|status|topics|purge
#   install  fetch the broker's jars into .tools/kafka-<version>/libs (skipped when present)
#   start    install, format storage once, start, wait until healthy, create the topics
#   stop     stop the broker this script started (SIGKILL after STACK_STOP_TIMEOUT s)
#   status   exit 0 when running and accepting connections
#   topics   create/grow the stack's topics on a running broker
#   purge    stop, then delete the broker's data, config and logs
# shellcheck disable=SC2153 # KAFKA_* come from stack.env through load_stack_env
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=common.sh
source "$HERE/common.sh"

KAFKA_HOME="$TOOLS_DIR/kafka-$KAFKA_VERSION"
LIBS="$KAFKA_HOME/libs"
# A jar, not a class folder: the JVM's class-data archive refuses non-empty folders on the classpath.
ADMIN_JAR="$KAFKA_HOME/stack-admin.jar"
K_DIR="$STACK_DIR/kafka"
DATA_DIR="$K_DIR/data"
LOG_DIR="$K_DIR/logs"
CONFIG="$K_DIR/server.properties"
LOG4J="$K_DIR/log4j2.xml"
PIDFILE="$K_DIR/kafka.pid"
STDOUT_LOG="$LOG_DIR/stdout.log"
SERVER_LOG="$LOG_DIR/server.log"
START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
# AppCDS: the first broker run records the classes it loaded into an archive when it exits; later
# starts map it instead of loading ~10k classes from jars, which cuts start time by ~40% here.
# Recording makes that first stop 10-20 s slower, which a CI run (one start, one stop, fresh clone)
# would pay for nothing, so it is off there by default. KAFKA_CDS=0/1 decides explicitly.
if [ "${CI:-}" = true ]; then KAFKA_CDS="${KAFKA_CDS:-0}"; else KAFKA_CDS="${KAFKA_CDS:-1}"; fi
CDS_DIR="$KAFKA_HOME/cds"
JAVA_ID=""
# Modest heap: Spark, Node and moto share the two cores and the memory of a dev machine.
HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m}"
JVM_OPTS="${KAFKA_JVM_OPTS:--XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -Djava.awt.headless=true}"
# What identifies our broker in /proc/PID/cmdline: its main class and config path (not the path
# alone, which an editor or `tail` of that file would also carry).
MARKER="kafka.Kafka $CONFIG"

# need_java: checks the version and sets JAVA_ID, which names the class-data archive (a JDK only
# accepts an archive that it wrote itself).
need_java() {
  command -v java >/dev/null 2>&1 || die "java is required (Java 17+)"
  local props v
  props="$(java -XshowSettings:properties -version 2>&1)"
  v="$(sed -n 's/^ *java.specification.version = //p' <<<"$props")"
  [ "${v%%.*}" -ge 17 ] 2>/dev/null || die "Kafka $KAFKA_VERSION needs Java 17+, found '${v:-unknown}'"
  JAVA_ID="$(sed -n 's/^ *java.vm.version = //p' <<<"$props" | tr -c 'A-Za-z0-9.\n' '_')"
}

install() {
  need_java
  if [ -f "$LIBS/.complete" ]; then
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "mvn is required to fetch Kafka's jars from Maven Central"
  log "kafka: fetching kafka_2.13:$KAFKA_VERSION and its runtime jars into ${LIBS#"$ROOT"/}"
  # Into a scratch folder first: an interrupted download must not look like a complete one.
  rm -rf "$LIBS.partial"
  mkdir -p "$TOOLS_DIR"
  local mvn_log="$TOOLS_DIR/kafka-$KAFKA_VERSION.mvn.log"
  mvn -q -B -f "$HERE/kafka/pom.xml" dependency:copy-dependencies \
    -Dkafka.version="$KAFKA_VERSION" -DincludeScope=runtime -DoutputDirectory="$LIBS.partial" >"$mvn_log" 2>&1 \
    || fail_with_logs kafka "mvn could not resolve Kafka $KAFKA_VERSION (is Maven Central reachable?)" "$mvn_log"
  rm -f "$mvn_log"
  # The class-data archive records the jars' timestamps; new jars make it useless.
  rm -rf "$LIBS" "$CDS_DIR"
  mv "$LIBS.partial" "$LIBS"
  touch "$LIBS/.complete"
}

# The admin helper is compiled once per Kafka version and recompiled when its source changes.
build_admin() {
  local src="$HERE/kafka/StackAdmin.java"
  if [ ! -f "$ADMIN_JAR" ] || [ "$src" -nt "$ADMIN_JAR" ]; then
    local classes="$KAFKA_HOME/stack-admin.classes"
    rm -rf "$classes"
    javac -nowarn -cp "$LIBS/*" -d "$classes" "$src" || die "kafka: could not compile StackAdmin.java"
    jar cf "$ADMIN_JAR" -C "$classes" . || die "kafka: could not package StackAdmin"
    rm -rf "$classes"
    # An archive recorded against the old classes would be rejected; record a new one.
    rm -f "$CDS_DIR"/admin-*.jsa
  fi
}

admin() {
  build_admin
  [ -n "$JAVA_ID" ] || need_java
  # The admin JVM gets an archive of its own, written at its first exit, like the broker's.
  local archive="$CDS_DIR/admin-$JAVA_ID.jsa" cds=() rc=0
  if [ "$KAFKA_CDS" = 1 ]; then
    mkdir -p "$CDS_DIR"
    if [ -s "$archive" ]; then cds=(-XX:SharedArchiveFile="$archive"); else cds=(-XX:ArchiveClassesAtExit="$archive.tmp"); fi
  fi
  java -Xmx128m -XX:TieredStopAtLevel=1 "${cds[@]}" -Xlog:cds=off -Xlog:cds+dynamic=off \
    -Dlog4j2.configurationFile="$HERE/kafka/log4j2-quiet.xml" \
    -cp "$ADMIN_JAR:$LIBS/*" StackAdmin "$KAFKA_BROKERS" "$@" || rc=$?
  if [ -f "$archive.tmp" ]; then
    if [ "$rc" = 0 ]; then mv -f "$archive.tmp" "$archive"; else rm -f "$archive.tmp"; fi
  fi
  return "$rc"
}

render_config() {
  mkdir -p "$DATA_DIR" "$LOG_DIR"
  # Regenerated on every start so that a change in stack.env takes effect; the data stays.
  cat >"$CONFIG" <<EOF
# Generated by scripts/stack/kafka.sh from stack.env; edits are overwritten on the next start.
process.roles=broker,controller
node.id=1
# Static voters with a format without --standalone; mixing it with controller.quorum.bootstrap.servers fails.
controller.quorum.voters=1@$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT,CONTROLLER://$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
log.dirs=$DATA_DIR

# One broker: every internal topic has one replica.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
default.replication.factor=1
min.insync.replicas=1
# Fewer internal partitions than the default 50: the first consumer group joins seconds sooner.
offsets.topic.num.partitions=4
transaction.state.log.num.partitions=4
share.coordinator.state.topic.num.partitions=4
# Tests start many short-lived groups; the default 3 s join delay would add up.
group.initial.rebalance.delay.ms=0

# Like MSK's default: a typo in a topic name fails loudly instead of creating a stray topic.
auto.create.topics.enable=false
num.partitions=1
num.network.threads=2
num.io.threads=4
log.retention.hours=168
log.segment.bytes=268435456
EOF
  cat >"$LOG4J" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by scripts/stack/kafka.sh. Kafka 4 logs through log4j2; -Dlog4j.configuration is ignored. -->
<Configuration status="WARN">
  <Appenders>
    <RollingFile name="server" fileName="$SERVER_LOG" filePattern="$LOG_DIR/server.log.%i">
      <PatternLayout pattern="[%d] %p %m (%c)%n"/>
      <Policies><SizeBasedTriggeringPolicy size="20 MB"/></Policies>
      <DefaultRolloverStrategy max="3"/>
    </RollingFile>
  </Appenders>
  <Loggers>
    <Root level="INFO"><AppenderRef ref="server"/></Root>
    <Logger name="kafka.request.logger" level="WARN"/>
    <Logger name="state.change.logger" level="WARN"/>
    <Logger name="org.apache.kafka.controller" level="INFO"/>
  </Loggers>
</Configuration>
EOF
}

# A random cluster id in Kafka's format (16 bytes, base64url, no padding), without a JVM start.
new_cluster_id() {
  local id
  while :; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    # A leading '-' would be read as an option by the storage tool.
    [ "${id:0:1}" != "-" ] && break
  done
  printf '%s\n' "$id"
}

format_once() {
  [ -f "$DATA_DIR/meta.properties" ] && return 0
  local id
  id="$(new_cluster_id)"
  log "kafka: formatting storage in ${DATA_DIR#"$ROOT"/} (cluster id $id)"
  java -Xmx256m -Dlog4j2.configurationFile="$HERE/kafka/log4j2-quiet.xml" -cp "$LIBS/*" \
    kafka.tools.StorageTool format -t "$id" -c "$CONFIG" >"$LOG_DIR/format.log" 2>&1 \
    || fail_with_logs kafka "storage format failed" "$LOG_DIR/format.log"
}

# wait_ready PID: until the client port accepts connections, or the JVM dies, or the timeout.
wait_ready() {
  local pid="$1" deadline=$((SECONDS + START_TIMEOUT))
  while ((SECONDS < deadline)); do
    alive "$pid" || fail_with_logs kafka "broker exited during startup" "$STDOUT_LOG" "$SERVER_LOG"
    port_open "$KAFKA_HOST" "$KAFKA_PORT" && return 0
    sleep 0.2
  done
  fail_with_logs kafka "not accepting connections on $KAFKA_BROKERS after ${START_TIMEOUT}s" "$STDOUT_LOG" "$SERVER_LOG"
}

topics() {
  local out
  out="$(admin ensure-topics "$START_TIMEOUT" \
    "$KAFKA_TOPIC_RAW:$KAFKA_RAW_PARTITIONS" \
    "$KAFKA_TOPIC_INVALID:${KAFKA_INVALID_PARTITIONS:-1}" \
    "$KAFKA_TOPIC_FRAUD:${KAFKA_FRAUD_PARTITIONS:-1}" \
    "$KAFKA_TOPIC_METRICS:${KAFKA_METRICS_PARTITIONS:-1}" 2>&1)" \
    || fail_with_logs kafka "topics could not be created: $(tail -n 5 <<<"$out")" "$SERVER_LOG"
  log "kafka: topics: $(tr '\n' ';' <<<"$out" | sed 's/;$//; s/;/; /g')"
}

start() {
  local pid
  clean_stale "$PIDFILE" "$MARKER" kafka
  if pid="$(pid_of "$PIDFILE" "$MARKER")"; then
    wait_ready "$pid"
    log "kafka: already running (pid $pid) on $KAFKA_BROKERS"
    topics
    return 0
  fi
  if port_open "$KAFKA_HOST" "$KAFKA_PORT" || port_open "$KAFKA_HOST" "$KAFKA_CONTROLLER_PORT"; then
    die "kafka: port $KAFKA_PORT or $KAFKA_CONTROLLER_PORT is taken by a process this stack did not start ($(port_owner_hint "$KAFKA_PORT")$(port_owner_hint "$KAFKA_CONTROLLER_PORT"))"
  fi
  install
  build_admin
  render_config
  format_once
  local cds_opts=()
  cds_options
  log "kafka: starting $KAFKA_VERSION on $KAFKA_BROKERS (logs in ${LOG_DIR#"$ROOT"/})"
  # shellcheck disable=SC2086 # the option strings are lists of JVM flags
  start_daemon "$PIDFILE" "$STDOUT_LOG" java $HEAP_OPTS $JVM_OPTS "${cds_opts[@]}" \
    -Dlog4j2.configurationFile="$LOG4J" -Dkafka.logs.dir="$LOG_DIR" \
    -cp "$LIBS/*" kafka.Kafka "$CONFIG"
  pid="$(cat "$PIDFILE")"
  wait_ready "$pid"
  topics
  log "kafka: ready (pid $pid)"
}

# cds_options: fills the caller's cds_opts with the flags that use the archive, or, when there is
# none yet, record one at exit (into .tmp; stop() publishes it only after a clean exit, since a
# SIGKILL mid-write would leave a truncated file).
cds_options() {
  [ "$KAFKA_CDS" = 1 ] || return 0
  local archive="$CDS_DIR/kafka-$JAVA_ID.jsa"
  if [ -s "$archive" ]; then
    cds_opts=(-XX:SharedArchiveFile="$archive")
  else
    mkdir -p "$CDS_DIR"
    rm -f "$archive.tmp"
    cds_opts=(-XX:ArchiveClassesAtExit="$archive.tmp")
  fi
}

stop() {
  stop_pid "$PIDFILE" "$MARKER" kafka
  local tmp
  for tmp in "$CDS_DIR"/kafka-*.jsa.tmp; do
    [ -e "$tmp" ] || continue
    if [ "$STOP_KILLED" = 0 ] && [ -s "$tmp" ]; then
      mv -f "$tmp" "${tmp%.tmp}"
    else
      rm -f "$tmp"
    fi
  done
}

status() {
  local pid
  if pid="$(pid_of "$PIDFILE" "$MARKER")"; then
    if port_open "$KAFKA_HOST" "$KAFKA_PORT"; then
      echo "kafka: running (pid $pid) on $KAFKA_BROKERS"
      return 0
    fi
    echo "kafka: process $pid is up but $KAFKA_BROKERS is not accepting connections"
    return 1
  fi
  echo "kafka: stopped"
  return 1
}

purge() {
  stop
  log "kafka: deleting ${K_DIR#"$ROOT"/}"
  rm -rf "$K_DIR"
}

case "${1:-}" in
  start | stop | purge) lock_service kafka ;;
esac
case "${1:-}" in
  install) install; build_admin ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  topics) topics ;;
  purge) purge ;;
  *) die "usage: $0 install|start|stop|status|topics|purge" ;;
esac
