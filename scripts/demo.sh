#!/usr/bin/env bash
# `make demo`: the whole pipeline on this machine, end to end, then a summary read back from storage.
#   simulated shoppers → @shop/tracker → collector → Kafka → sink (Lambda handler) → Parquet on S3
#   → Airflow DAG → Spark sessionization → local query engine → summary
# Usage: scripts/demo.sh [run|stop]. The stack stays up afterwards for exploring; `make down` stops it.
set -euo pipefail
source "$(dirname "$0")/stack/common.sh"
cd "$ROOT"

DEMO_DIR="$STACK_DIR/demo"
COLLECTOR_PID="$DEMO_DIR/collector.pid"
COLLECTOR_MARKER="packages/collector/dist/server.js"
export COLLECTOR_WRITE_KEYS="${COLLECTOR_WRITE_KEYS:-demo-write-key=demo-web-shop}"
WRITE_KEY="${COLLECTOR_WRITE_KEYS%%=*}"
SHOPPERS="${DEMO_SHOPPERS:-40}"

stop_collector() {
  local pid
  if pid="$(pid_of "$COLLECTOR_PID" "$COLLECTOR_MARKER")"; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$COLLECTOR_PID"
}

start_collector() {
  stop_collector
  mkdir -p "$DEMO_DIR"
  start_daemon "$COLLECTOR_PID" "$DEMO_DIR/collector.log" node "$ROOT/$COLLECTOR_MARKER"
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
  bash scripts/run.sh pnpm exec turbo run build --output-logs=errors-only
  bash scripts/stack/up.sh
  trap stop_collector EXIT

  log "1/5 collector on http://$COLLECTOR_HOST:$COLLECTOR_PORT"
  start_collector

  log "2/5 $SHOPPERS simulated shoppers send events through @shop/tracker"
  node examples/load-generator/dist/cli.js --host "http://$COLLECTOR_HOST:$COLLECTOR_PORT" --write-key "$WRITE_KEY" --shoppers "$SHOPPERS" --seed "${DEMO_SEED:-$RANDOM}" | tee "$DEMO_DIR/load-report.json"

  log "3/5 sink: Kafka → Parquet on S3 (the Lambda handler, driven by the local runner until caught up)"
  node packages/s3-sink/dist/local/cli.js --idle-exit-ms 4000

  # The simulated visits may straddle midnight (UTC): one daily run per day they touch.
  local first_day last_day day
  first_day="$(node -e 'console.log(require(process.argv[1]).firstEventAt.slice(0, 10))' "$DEMO_DIR/load-report.json")"
  last_day="$(node -e 'console.log(require(process.argv[1]).lastEventAt.slice(0, 10))' "$DEMO_DIR/load-report.json")"
  day="$first_day"
  while [[ ! "$day" > "$last_day" ]]; do
    log "4/5 Airflow DAG shop_daily_batch for $day → Spark sessionization (log: .stack/demo/airflow-$day.log)"
    if ! bash packages/airflow-dags/scripts/run-dag-local.sh shop_daily_batch "$day" >"$DEMO_DIR/airflow-$day.log" 2>&1; then
      tail -n 40 "$DEMO_DIR/airflow-$day.log" >&2
      die "the Airflow run for $day failed"
    fi
    grep -o "Returned value was: .*}" "$DEMO_DIR/airflow-$day.log" | tail -n 1 | sed 's/^/    /' >&2 || true
    day="$(date -u -d "$day + 1 day" +%F)"
  done

  log "5/5 summary from the local query engine (Parquet read back from S3)"
  node packages/query/dist/cli.js summary
  log "demo finished in $((SECONDS - started))s. Explore: node packages/query/dist/cli.js sql \"SELECT ...\"; stop everything: make down"
}

case "${1:-run}" in
  run) run ;;
  stop) stop_collector ;;
  *) die "usage: $0 [run|stop]" ;;
esac
