#!/usr/bin/env bash
# `make demo`: the whole pipeline on this machine, end to end, then a summary read back from storage.
#   simulated shoppers (and labelled frauds) → @shop/tracker → collector → Kafka
#     → fraud scoring stream (Spark) → alerts.fraud → scored against the labels
#     → sink (Lambda handler) → Parquet on S3 → Airflow DAG → Spark sessionization → local query engine → summary
# Usage: scripts/demo.sh [run|collector|stop]. The stack stays up afterwards for exploring; `make down` stops it.
#   collector  only (re)start the demo's collector and leave it running (the fraud benchmark sends through it)
set -euo pipefail
source "$(dirname "$0")/stack/common.sh"
cd "$ROOT"

DEMO_DIR="$STACK_DIR/demo"
COLLECTOR_PID="$DEMO_DIR/collector.pid"
COLLECTOR_MARKER="$ROOT/packages/collector/dist/server.js"
# Two sources, as a shop has them: its web pages (browsers) and its backend, which sends payment and order events
# with the shopper's IP in context.ip; only a server-side source's context.ip is believed.
export COLLECTOR_WRITE_KEYS="${COLLECTOR_WRITE_KEYS:-demo-write-key=demo-web-shop,demo-server-key=demo-shop-backend}"
export COLLECTOR_SERVER_SOURCES="${COLLECTOR_SERVER_SOURCES:-demo-shop-backend}"
WRITE_KEY="${COLLECTOR_WRITE_KEYS%%=*}"
SERVER_WRITE_KEY="$(tr ',' '\n' <<<"$COLLECTOR_WRITE_KEYS" | grep "=${COLLECTOR_SERVER_SOURCES%%,*}\$" | head -n 1 | cut -d= -f1 || true)"
[ -n "$SERVER_WRITE_KEY" ] || die "COLLECTOR_WRITE_KEYS has no key for the server source ${COLLECTOR_SERVER_SOURCES%%,*} (COLLECTOR_SERVER_SOURCES)"
SHOPPERS="${DEMO_SHOPPERS:-40}"
# Cases of each fraud scenario and each hard negative mixed into the shoppers (0: none, no stream).
FRAUD_CASES="${DEMO_FRAUD_CASES:-1}"

HOLD_PID="$DEMO_DIR/order-hold.pid"
HOLD_MARKER="$ROOT/examples/order-hold/dist/cli.js"
HOLD_LOG="$DEMO_DIR/order-hold.log"

# The consumer example (examples/order-hold): places a hold on each alert's order; without a webhook URL its
# built-in stand-in shop prints the holds (into $HOLD_LOG, beside its JSON log lines).
# A consumer group of its own each run, joined before any traffic, so it holds this run's alerts only (not
# those a benchmark or an earlier demo left on the topic).
start_order_hold() {
  stop_order_hold
  mkdir -p "$DEMO_DIR"
  start_daemon "$HOLD_PID" "$HOLD_LOG" env ORDER_HOLD_GROUP_ID="shop-order-hold-demo-$(date +%s)" \
    ORDER_HOLD_FROM_BEGINNING=false ORDER_HOLD_STATE_DIR="$DEMO_DIR/order-hold" node "$HOLD_MARKER"
  for _ in $(seq 1 300); do
    if grep -q '"joined consumer group"' "$HOLD_LOG" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  die "order-hold did not join its consumer group in 30 s (see $HOLD_LOG)"
}

stop_order_hold() { STOP_QUIET=1 stop_pid "$HOLD_PID" "$HOLD_MARKER" order-hold; }
stop_collector() { STOP_QUIET=1 stop_pid "$COLLECTOR_PID" "$COLLECTOR_MARKER" collector; }

start_collector() {
  stop_collector
  mkdir -p "$DEMO_DIR"
  start_daemon "$COLLECTOR_PID" "$DEMO_DIR/collector.log" node "$COLLECTOR_MARKER"
  local url="http://$COLLECTOR_HOST:$COLLECTOR_PORT/ready"
  for _ in $(seq 1 100); do
    if curl -fsS "$url" >/dev/null 2>&1; then return 0; fi
    pid_of "$COLLECTOR_PID" "$COLLECTOR_MARKER" >/dev/null || { tail -20 "$DEMO_DIR/collector.log" >&2; die "the collector exited"; }
    sleep 0.3
  done
  tail -20 "$DEMO_DIR/collector.log" >&2
  die "the collector did not become ready at $url"
}

run() {
  local started=$SECONDS
  bash scripts/bootstrap.sh all
  # Installed just now on a fresh machine: every `node` below runs on it.
  require_pinned_node
  bash scripts/run.sh pnpm exec turbo run build --output-logs=errors-only
  bash scripts/stack/up.sh
  trap 'stop_order_hold; stop_collector' EXIT

  log "1/6 collector on http://$COLLECTOR_HOST:$COLLECTOR_PORT"
  start_collector

  if [ "$FRAUD_CASES" -gt 0 ]; then
    # A fresh stream from the topic's end: the run replays two hours (and customers' histories) in time order,
    # which a checkpoint whose watermark is already at "now" would drop as late.
    log "2/6 fraud scoring stream (Spark; log: .stack/stream/fraud/fraud_stream.log)"
    bash scripts/stack/stream.sh purge
    FRAUD_STREAM_ARGS="--starting-offsets latest" bash scripts/stack/stream.sh start
    start_order_hold
  fi

  log "3/6 $SHOPPERS simulated shoppers and $FRAUD_CASES case(s) of each fraud scenario and hard negative send events through @shop/tracker"
  node examples/load-generator/dist/cli.js --host "http://$COLLECTOR_HOST:$COLLECTOR_PORT" --write-key "$WRITE_KEY" \
    --server-write-key "$SERVER_WRITE_KEY" --shoppers "$SHOPPERS" --seed "${DEMO_SEED:-$RANDOM}" --fraud-cases "$FRAUD_CASES" \
    --labels "$DEMO_DIR/labels.jsonl" --acks "$DEMO_DIR/acks.jsonl" | tee "$DEMO_DIR/load-report.json"

  if [ "$FRAUD_CASES" -gt 0 ]; then
    log "    fraud alerts on $KAFKA_TOPIC_FRAUD, scored against the run's labels ($DEMO_DIR/fraud-score.json)"
    node examples/load-generator/dist/score-cli.js --labels "$DEMO_DIR/labels.jsonl" --acks "$DEMO_DIR/acks.jsonl" \
      --settle-seconds 15 --show 6 >"$DEMO_DIR/fraud-score.json" || true
    node -e 'const s = require(process.argv[1]); console.log(JSON.stringify({ precision: s.precision, recall: s.recall, frauds: s.fraudCases, detected: s.detected, falseAlarms: s.falseAlarms, latency: s.latency }))' "$DEMO_DIR/fraud-score.json"
    stop_order_hold
    log "    examples/order-hold placed $(grep -c "^\[local shop\] hold placed" "$HOLD_LOG" || true) hold(s) on orders and checkouts ($HOLD_LOG):"
    grep "^\[local shop\] hold placed" "$HOLD_LOG" | head -n 3 | sed 's/^/    /' || true
  fi

  log "4/6 sink: Kafka → Parquet on S3 (the Lambda handler, driven by the local runner until caught up)"
  node packages/s3-sink/dist/local/cli.js --idle-exit-ms 4000

  # The simulated visits may straddle midnight (UTC): one daily run per day they touch.
  local first_day last_day day
  # From the shoppers' window on: the customers' older histories stay in the lake unsessionized.
  first_day="$(node -e 'console.log(require(process.argv[1]).windowFrom.slice(0, 10))' "$DEMO_DIR/load-report.json")"
  last_day="$(node -e 'console.log(require(process.argv[1]).lastEventAt.slice(0, 10))' "$DEMO_DIR/load-report.json")"
  day="$first_day"
  while [[ ! "$day" > "$last_day" ]]; do
    log "5/6 Airflow DAG shop_daily_batch for $day → Spark sessionization (log: .stack/demo/airflow-$day.log)"
    # The shoppers' last two hours are replayed at once, so most events arrive over an hour after their time:
    # the quality check's late-share bound (20% in production) would fail the run for what the demo does on purpose.
    if ! SHOP_MAX_LATE_SHARE=1 bash packages/airflow-dags/scripts/run-dag-local.sh shop_daily_batch "$day" \
      >"$DEMO_DIR/airflow-$day.log" 2>&1; then
      tail -n 40 "$DEMO_DIR/airflow-$day.log" >&2
      die "the Airflow run for $day failed"
    fi
    grep -o "Returned value was: .*}" "$DEMO_DIR/airflow-$day.log" | tail -n 1 | sed 's/^/    /' >&2 || true
    day="$(date -u -d "$day + 1 day" +%F)"
  done

  log "6/6 summary from the local query engine (Parquet read back from S3)"
  node packages/query/dist/cli.js summary
  log "demo finished in $((SECONDS - started))s. Explore: node packages/query/dist/cli.js list (the analysts' questions), then run funnel_sessions, or sql \"SELECT ...\"; alerts: $KAFKA_TOPIC_FRAUD and s3://$S3_BUCKET/fraud_alerts; stop everything: make down"
}

case "${1:-run}" in
  run) run ;;
  collector) require_pinned_node && start_collector && log "collector on http://$COLLECTOR_HOST:$COLLECTOR_PORT (pid $(cat "$COLLECTOR_PID"))" ;;
  stop) stop_order_hold && stop_collector ;;
  *) die "usage: $0 [run|collector|stop]" ;;
esac
