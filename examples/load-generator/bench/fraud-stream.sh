#!/usr/bin/env bash
# The fraud scoring stream under live traffic (`make bench`, or `pnpm --filter @shop/example-load-generator bench`).
# For each micro-batch trigger (interleaved, repeated), on the whole local stack:
#   a fresh stream (stack/stream.sh, own folder, from the topic's end) → the load generator replays a window of
#   ordinary shoppers (a burst: the job's catch-up throughput), then keeps shoppers arriving live, with labelled
#   fraud cases and hard negatives among them → shop-fraud-score reads alerts.fraud.
# Prints per run: background rate, alert latency p50/p95/max (collector's 2xx for the triggering event → the
# alert record on Kafka), precision/recall, the burst's throughput and the live batches' duration vs the trigger.
# Settings: BENCH_TRIGGERS ("1 0": seconds; 0 = as fast as possible), BENCH_ROUNDS (2), BENCH_SHOPPERS (1500),
# BENCH_WINDOW_MINUTES (10), BENCH_LIVE_SECONDS (300), BENCH_FRAUD_CASES (2 of each scenario per run).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=common.sh
source "$HERE/common.sh"

TRIGGERS="${BENCH_TRIGGERS:-1 0}"
ROUNDS="${BENCH_ROUNDS:-2}"
SHOPPERS="${BENCH_SHOPPERS:-1500}"
WINDOW_MINUTES="${BENCH_WINDOW_MINUTES:-10}"
LIVE_SECONDS="${BENCH_LIVE_SECONDS:-300}"
FRAUD_CASES="${BENCH_FRAUD_CASES:-2}"
OUT="$STACK_DIR/bench/fraud-stream"
bench_start "$OUT"

run_once() { # run_once NAME TRIGGER_SECONDS
  local trigger="$2" dir="$OUT/$1"
  mkdir -p "$dir"
  export FRAUD_STREAM_DIR="$dir/stream"
  export FRAUD_STREAM_ARGS="--starting-offsets latest --trigger-seconds $trigger --progress-log $dir/progress.jsonl"
  bash scripts/stack/stream.sh purge >/dev/null
  bash scripts/stack/stream.sh start
  node "$GEN/cli.js" --host "http://$COLLECTOR_HOST:$COLLECTOR_PORT" --write-key "$WRITE_KEY" --seed "$RANDOM" \
    --shoppers "$SHOPPERS" --window-minutes "$WINDOW_MINUTES" --live-seconds "$LIVE_SECONDS" \
    --fraud-cases "$FRAUD_CASES" --labels "$dir/labels.jsonl" --acks "$dir/acks.jsonl" >"$dir/load-report.json" ||
    log "the generator gave up on some events (dropped, failedSends in $dir/load-report.json); scoring the run anyway"
  node "$GEN/score-cli.js" --labels "$dir/labels.jsonl" --acks "$dir/acks.jsonl" --settle-seconds 30 >"$dir/score.json" || true
  bash scripts/stack/stream.sh stop
  unset FRAUD_STREAM_DIR FRAUD_STREAM_ARGS
  node "$HERE/summarize.mjs" "$dir" "$trigger" "$LIVE_SECONDS" | tee -a "$OUT/results.jsonl"
}

log "fraud stream bench: triggers [$TRIGGERS] × $ROUNDS rounds; $SHOPPERS shoppers over ${WINDOW_MINUTES} min replayed + ${LIVE_SECONDS}s live; $FRAUD_CASES case(s) per scenario"
for round in $(seq 1 "$ROUNDS"); do
  for trigger in $TRIGGERS; do
    run_once "r$round-t$trigger" "$trigger"
  done
done
node "$HERE/summarize.mjs" --table "$OUT/results.jsonl"
