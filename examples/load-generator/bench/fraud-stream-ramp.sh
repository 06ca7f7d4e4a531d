#!/usr/bin/env bash
# The fraud scoring stream's sustained rate: a ramp test (`make bench`, or `pnpm --filter @shop/example-load-generator
# bench:ramp`). On the whole local stack, a fresh stream (stack/stream.sh, own folder, from the topic's end) scores
# live shoppers who arrive at a linearly rising rate (with labelled fraud cases among them), until well past what it
# can take; then the arrivals stop and it catches up. summarize-ramp.mjs prints, per 30 s: the events offered (the
# collector's 2xx) and scored per second and the worst scoring delay; the sustained rate is the most offered before
# the delay first passes the limit (consumer lag no longer bounded by it).
# Settings: BENCH_RAMP_SHOPPERS (24000: arrivals rise to 2·N/S per second, about 10 events each),
# BENCH_RAMP_SECONDS (480), BENCH_RAMP_TRIGGER (1, as measured in packages/processing-jobs/README.md; near the limit
# batches take longer than that, so the trigger hardly matters there), BENCH_RAMP_MAX_DELAY_SECONDS (10).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=common.sh
source "$HERE/common.sh"

SHOPPERS="${BENCH_RAMP_SHOPPERS:-24000}"
SECONDS_LIVE="${BENCH_RAMP_SECONDS:-480}"
TRIGGER="${BENCH_RAMP_TRIGGER:-1}"
MAX_DELAY="${BENCH_RAMP_MAX_DELAY_SECONDS:-10}"
OUT="$STACK_DIR/bench/fraud-stream-ramp"
bench_start "$OUT"

export FRAUD_STREAM_DIR="$OUT/stream"
export FRAUD_STREAM_ARGS="--starting-offsets latest --trigger-seconds $TRIGGER --progress-log $OUT/progress.jsonl"
bash scripts/stack/stream.sh purge >/dev/null
bash scripts/stack/stream.sh start
log "fraud stream ramp: $SHOPPERS shoppers arriving ever faster over ${SECONDS_LIVE}s (trigger ${TRIGGER}s, delay limit ${MAX_DELAY}s)"
node "$GEN/cli.js" --host "http://$COLLECTOR_HOST:$COLLECTOR_PORT" --write-key "$WRITE_KEY" --seed "$RANDOM" \
  --shoppers "$SHOPPERS" --window-minutes 1 --live-seconds "$SECONDS_LIVE" --ramp --fraud-cases 2 \
  --labels "$OUT/labels.jsonl" --acks "$OUT/acks.jsonl" >"$OUT/load-report.json" ||
  log "the generator gave up on some events (dropped, failedSends in $OUT/load-report.json)"
# The topic's end now that the producers have stopped, against the stream's newest committed batch.
node "$GEN/demo/lag-cli.js" --checkpoint "$FRAUD_STREAM_DIR/checkpoint" --brokers "$KAFKA_BROKERS" \
  --topic "$KAFKA_TOPIC_RAW" --timeout-seconds 1200 ||
  log "the stream did not catch up in 20 minutes; scoring what it did"
node "$GEN/score-cli.js" --labels "$OUT/labels.jsonl" --acks "$OUT/acks.jsonl" --settle-seconds 10 >"$OUT/score.json" || true
bash scripts/stack/stream.sh stop
node "$HERE/summarize-ramp.mjs" "$OUT" "$TRIGGER" "$MAX_DELAY" | tee "$OUT/summary.txt"
