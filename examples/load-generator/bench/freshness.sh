#!/usr/bin/env bash
# End to end: how soon insight follows a click (`make bench`, or `pnpm --filter @shop/example-load-generator
# bench:freshness`). Per round (repeated: this machine's speed drifts), the whole pipeline at once on the local
# stack, in a lake prefix of the round's own:
#   collector → Kafka → the sink's local runner (Parquet under the prefix) → the sessions stream (files in, the
#   lake's sessions out); Kafka → the live metrics stream (metrics.live); Kafka → the fraud scoring stream
#   (alerts.fraud). Shoppers arrive live for BENCH_LIVE_SECONDS (a rising ramp), every event sent at its time,
#   with BENCH_FRAUD_CASES labelled cases of each fraud scenario among them; the rate is printed.
# Prints per round:
#   lake          collector 2xx → the Parquet file holding the event (when a query can first see the row),
#                 beside the sink's own part (collector receipt → file);
#   live metrics  collector 2xx → the first metrics.live revision that counts the event (stream defaults:
#                 5 s trigger, 2 min watermark), beside the trigger interval;
#   fraud alerts  collector 2xx for the triggering event → the alert on alerts.fraud (shop-fraud-score), beside
#                 the fraud stream's micro-batch durations, with precision and recall;
#   sessions      the session's gap close (its last event + the gap) → the file that adds it to the sessions
#                 table (stream defaults: 3 min watermark, 30 s trigger), beside the sink's own latency
#                 (collector receipt → the event's file), the least any reader of the lake waits.
# The gap is BENCH_GAP_MINUTES (2, not the product's 30) so that sessions close within a short run; what follows
# the gap's close (watermark, files, trigger) does not depend on its length.
# Settings: BENCH_ROUNDS (2), BENCH_SHOPPERS (400), BENCH_LIVE_SECONDS (540), BENCH_GAP_MINUTES (2),
# BENCH_FRAUD_CASES (1 of each scenario per round).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=common.sh
source "$HERE/common.sh"

ROUNDS="${BENCH_ROUNDS:-2}"
SHOPPERS="${BENCH_SHOPPERS:-400}"
LIVE_SECONDS="${BENCH_LIVE_SECONDS:-540}"
GAP_MINUTES="${BENCH_GAP_MINUTES:-2}"
FRAUD_CASES="${BENCH_FRAUD_CASES:-1}"
OUT="$STACK_DIR/bench/freshness"
SINK_MARKER="$ROOT/packages/s3-sink/dist/local/cli.js"
UV="$TOOLS_DIR/uv/bin/uv"
bench_start "$OUT"
gen_pid=""
stop_round() {
  # The generator runs in the background while the sessions stream starts; an aborted round must not leave it
  # sending into the next round's collector.
  if [ -n "$gen_pid" ] && kill -0 "$gen_pid" 2>/dev/null; then
    kill "$gen_pid"
    wait "$gen_pid" || true
  fi
  gen_pid=""
  bash scripts/stack/stream.sh live-metrics stop
  bash scripts/stack/stream.sh sessions stop
  bash scripts/stack/stream.sh fraud stop
  STOP_QUIET=1 stop_pid "$OUT/sink.pid" "$SINK_MARKER" sink
}
trap 'stop_round; bash scripts/demo.sh stop' EXIT

# first_object PREFIX: wait until the sink has written an object under it (the file source needs its folder).
first_object() {
  for _ in $(seq 1 600); do
    s3_curl "$S3_ENDPOINT_URL/$S3_BUCKET?list-type=2&max-keys=1&prefix=$1" | grep -q "<Key>" && return 0
    sleep 0.5
  done
  die "no object under s3://$S3_BUCKET/$1 after 5 minutes"
}

run_once() { # run_once NAME
  local dir="$OUT/$1" prefix since lake
  prefix="bench/freshness/$1-$(date +%s)/"
  lake="s3a://$S3_BUCKET/$prefix"
  mkdir -p "$dir"
  export LIVE_METRICS_STREAM_DIR="$dir/live-metrics" SESSIONS_STREAM_DIR="$dir/sessions"
  export LIVE_METRICS_STREAM_ARGS="--starting-offsets latest --metrics-path ${lake}live_metrics"
  export SESSIONS_STREAM_ARGS="--events-path ${lake}events --sessions-path ${lake}sessions --gap-minutes $GAP_MINUTES"
  export FRAUD_STREAM_DIR="$dir/fraud"
  export FRAUD_STREAM_ARGS="--starting-offsets latest --alerts-path ${lake}fraud_alerts --progress-log $dir/fraud-progress.jsonl"
  bash scripts/stack/stream.sh live-metrics purge >/dev/null
  bash scripts/stack/stream.sh sessions purge >/dev/null
  bash scripts/stack/stream.sh fraud purge >/dev/null
  bash scripts/stack/stream.sh live-metrics start
  bash scripts/stack/stream.sh fraud start
  start_daemon "$OUT/sink.pid" "$dir/sink.log" env SINK_PREFIX="$prefix" node "$SINK_MARKER" \
    --group "shop-bench-freshness-$1-$RANDOM" --from-latest
  # From the topic's end as of its join: traffic sent before that would never reach the round's prefix (one round
  # counted its first 17 acked events as missing from the lake before this wait).
  for _ in $(seq 1 600); do
    grep -q '"joined consumer group"' "$dir/sink.log" 2>/dev/null && break
    sleep 0.1
  done
  since="$(date +%s%3N)"
  node "$GEN/cli.js" --host "http://$COLLECTOR_HOST:$COLLECTOR_PORT" --write-key "$WRITE_KEY" --seed "$RANDOM" \
    --shoppers "$SHOPPERS" --ramp --live-seconds "$LIVE_SECONDS" --fraud-cases "$FRAUD_CASES" \
    --labels "$dir/labels.jsonl" --acks "$dir/acks.jsonl" >"$dir/load-report.json" &
  gen_pid=$!
  first_object "${prefix}events/"
  bash scripts/stack/stream.sh sessions start
  wait "$gen_pid" || log "the generator gave up on some events (dropped, failedSends in $dir/load-report.json)"
  gen_pid=""
  # The last events' files, and a sessions trigger after them; the scorer's settle time runs meanwhile.
  node "$GEN/score-cli.js" --labels "$dir/labels.jsonl" --acks "$dir/acks.jsonl" --settle-seconds 45 \
    >"$dir/score.json" || true
  stop_round
  node "$GEN/freshness-cli.js" --acks "$dir/acks.jsonl" >"$dir/live-metrics.json"
  (cd packages/processing-jobs && "$UV" run --locked python bench/lake_freshness.py --prefix "$prefix" \
    --since "$since" --gap-minutes "$GAP_MINUTES" --acks "$dir/acks.jsonl") >"$dir/lake.json"
  node "$HERE/summarize-freshness.mjs" "$1" "$dir" "$LIVE_SECONDS" | tee -a "$OUT/results.jsonl"
  unset LIVE_METRICS_STREAM_DIR SESSIONS_STREAM_DIR LIVE_METRICS_STREAM_ARGS SESSIONS_STREAM_ARGS
  unset FRAUD_STREAM_DIR FRAUD_STREAM_ARGS
}

log "end-to-end freshness bench: $ROUNDS rounds of $SHOPPERS shoppers arriving over ${LIVE_SECONDS}s with $FRAUD_CASES case(s) of each fraud scenario; session gap ${GAP_MINUTES} min"
for round in $(seq 1 "$ROUNDS"); do
  run_once "r$round"
done
node "$HERE/summarize-freshness.mjs" --table "$OUT/results.jsonl"
