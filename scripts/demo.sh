#!/usr/bin/env bash
# `make demo`: the whole pipeline live on this machine, then a report read back from the lake.
#   simulated shoppers (and labelled frauds; optionally shoppers in Chromium on the storefront)
#     → @shop/tracker → collector → Kafka
#     → fraud scoring stream (Spark) → alerts.fraud → order-hold, dashboard; scored against the labels
#     → live metrics stream → metrics.live → dashboard
#     → sink (Lambda handler, local runner, continuous) → Parquet on S3 → sessions stream → sessions/
#     → local query engine → report (funnel, revenue, sessions, alerts with precision and recall)
# Usage: scripts/demo.sh [run|collector|stop]
#   run        (default) start everything, send DEMO_SECONDS of live shoppers, print the report
#   collector  only (re)start the demo's collector and leave it running (the storefront and benchmarks send to it)
#   stop       stop the demo's services: collector, sink runner, order-hold, storefront, dashboard (make down)
# Settings (environment): DEMO_SECONDS (120), DEMO_GRACE_SECONDS (300), DEMO_SHOPPERS (150), DEMO_FRAUD_CASES (1),
#   DEMO_BROWSER_SHOPPERS (2), DEMO_SEED (random), DEMO_WARMUP_MINUTES (45), DEMO_CI (CI mode: 1 or 0; default on
#   when CI is set or stdout is no terminal). Interactive: the services stay up afterwards for exploring; CI mode stops them (not the stack) and
#   exits non-zero when the report lacks a funnel, sessions, alerts, precision or recall.
set -eEuo pipefail
source "$(dirname "$0")/stack/common.sh"
# A step that fails without a word of its own (a grep's status 2, say) still says where: one clean-clone CI-mode run
# ended with exit 2 right after the streams were ready, and this line is what would have told which command.
# Only in the script's own shell: a subshell's failure (a grep that matches nothing in a process substitution) is
# handled where it is read.
trap 'status=$?; [ "$BASH_SUBSHELL" != 0 ] || log "stopped by a failed command (exit $status) at ${BASH_SOURCE[0]#"$ROOT"/}:$LINENO: $BASH_COMMAND"' ERR
cd "$ROOT"

DEMO_DIR="$STACK_DIR/demo"
# Two sources, as a shop has them: its web pages (browsers) and its backend, which sends payment and order events
# with the shopper's IP in context.ip; only a server-side source's context.ip is believed.
export COLLECTOR_WRITE_KEYS="${COLLECTOR_WRITE_KEYS:-demo-write-key=demo-web-shop,demo-server-key=demo-shop-backend}"
export COLLECTOR_SERVER_SOURCES="${COLLECTOR_SERVER_SOURCES:-demo-shop-backend}"
WRITE_KEY="${COLLECTOR_WRITE_KEYS%%=*}"
SERVER_WRITE_KEY="$(tr ',' '\n' <<<"$COLLECTOR_WRITE_KEYS" | grep "=${COLLECTOR_SERVER_SOURCES%%,*}\$" | head -n 1 | cut -d= -f1 || true)"
[ -n "$SERVER_WRITE_KEY" ] || die "COLLECTOR_WRITE_KEYS has no key for the server source ${COLLECTOR_SERVER_SOURCES%%,*} (COLLECTOR_SERVER_SOURCES)"
# The query engine's Parquet cache of the demo's lake: under .stack, so `make clean` takes it with the rest.
export SHOP_QUERY_CACHE_DIR="${SHOP_QUERY_CACHE_DIR:-$DEMO_DIR/query-cache}"

SECONDS_LIVE="${DEMO_SECONDS:-120}"
SHOPPERS="${DEMO_SHOPPERS:-150}"
# Cases of each fraud scenario and each hard negative mixed into the shoppers (0: none, nothing to score).
FRAUD_CASES="${DEMO_FRAUD_CASES:-1}"
BROWSER_SHOPPERS="${DEMO_BROWSER_SHOPPERS:-2}"
# The shoppers' visits start over this many minutes before now (replayed at once) and over the live part: sessions
# close 30 minutes after their last event (the product's gap), so the warm-up's older visits are what the sessions
# stream can close within a few minutes.
WARMUP_MINUTES="${DEMO_WARMUP_MINUTES:-45}"
SEED="${DEMO_SEED:-$RANDOM}"
for setting in SECONDS_LIVE SHOPPERS FRAUD_CASES BROWSER_SHOPPERS WARMUP_MINUTES SEED; do
  [[ "${!setting}" =~ ^[0-9]+$ ]] || die "DEMO_${setting/SECONDS_LIVE/SECONDS}=${!setting}: expected a whole number"
done
((SECONDS_LIVE > 0 && SHOPPERS > 0 && WARMUP_MINUTES > 0)) || die "DEMO_SECONDS, DEMO_SHOPPERS and DEMO_WARMUP_MINUTES must be above 0"

COLLECTOR_URL="http://$COLLECTOR_HOST:$COLLECTOR_PORT"
STOREFRONT_URL="http://127.0.0.1:$STOREFRONT_PORT"
DASHBOARD_URL="http://127.0.0.1:$DASHBOARD_PORT"

# Each service: a PID file under .stack/demo and a marker, an absolute path of this checkout in its command line, so
# a recycled PID or another checkout's service is never taken for ours (common.sh).
COLLECTOR_PID="$DEMO_DIR/collector.pid" COLLECTOR_MARKER="$ROOT/packages/collector/dist/server.js"
SINK_PID="$DEMO_DIR/sink.pid" SINK_MARKER="$ROOT/packages/s3-sink/dist/local/cli.js"
HOLD_PID="$DEMO_DIR/order-hold.pid" HOLD_MARKER="$ROOT/examples/order-hold/dist/cli.js"
DASHBOARD_PID="$DEMO_DIR/dashboard.pid" DASHBOARD_MARKER="$ROOT/examples/dashboard/dist/cli.js"
# `next start` renames its process (process.title), so the marker is this script's own serve-storefront command line,
# the parent of Next's server in the same session (stop_pid stops the whole session).
STOREFRONT_PID="$DEMO_DIR/storefront.pid" STOREFRONT_MARKER="$ROOT/scripts/demo.sh serve-storefront"
HOLD_LOG="$DEMO_DIR/order-hold.log"

ci_mode() {
  case "${DEMO_CI:-}" in
    1 | true) return 0 ;;
    0 | false) return 1 ;;
  esac
  case "${CI:-}" in 1 | true) return 0 ;; esac
  [ ! -t 1 ]
}

# wait_until SECONDS DESCRIPTION PIDFILE MARKER LOG CHECK...: polls CHECK until it passes; dies with the log's tail if
# the service exits or time runs out.
wait_until() {
  local limit="$1" what="$2" pidfile="$3" marker="$4" logfile="$5" i
  shift 5
  for ((i = 0; i < limit * 4; i++)); do
    "$@" && return 0
    pid_of "$pidfile" "$marker" >/dev/null || fail_with_logs "$what" "exited during startup" "$logfile"
    sleep 0.25
  done
  fail_with_logs "$what" "not ready after ${limit}s" "$logfile"
}

http_ok() { curl -fsS --max-time 2 -o /dev/null "$1" 2>/dev/null; }
log_has() { grep -qF -- "$2" "$1" 2>/dev/null; }

# free_port NAME PORT: nothing of ours runs there (checked before), so anything answering is someone else's.
free_port() {
  if port_open 127.0.0.1 "$2"; then
    die "$1: port $2 is taken ($(port_owner_hint "$2" || true)); set ${1^^}_PORT to a free one"
  fi
}

start_collector() {
  mkdir -p "$DEMO_DIR"
  if pid_of "$COLLECTOR_PID" "$COLLECTOR_MARKER" >/dev/null && http_ok "$COLLECTOR_URL/ready"; then return 0; fi
  stop_collector
  free_port collector "$COLLECTOR_PORT"
  start_daemon "$COLLECTOR_PID" "$DEMO_DIR/collector.log" node "$COLLECTOR_MARKER"
  wait_until 30 collector "$COLLECTOR_PID" "$COLLECTOR_MARKER" "$DEMO_DIR/collector.log" http_ok "$COLLECTOR_URL/ready"
}

# The sink's local runner, without --idle-exit-ms: it writes a file per partition whenever its buffer is 5 s old
# (the MSK trigger's batching window) and commits after the write, until stopped.
start_sink() {
  pid_of "$SINK_PID" "$SINK_MARKER" >/dev/null && return 0
  STOP_QUIET=1 stop_pid "$SINK_PID" "$SINK_MARKER" sink
  start_daemon "$SINK_PID" "$DEMO_DIR/sink.log" node "$SINK_MARKER"
  wait_until 60 "sink runner" "$SINK_PID" "$SINK_MARKER" "$DEMO_DIR/sink.log" log_has "$DEMO_DIR/sink.log" '"joined consumer group"'
}

# The consumer example (examples/order-hold): places a hold on each alert's order; without a webhook URL its
# built-in stand-in shop prints the holds (into $HOLD_LOG, beside its JSON log lines). A consumer group of its own
# each run, joined before any traffic, so it holds this run's alerts only (not those a benchmark or an earlier demo
# left on the topic).
start_order_hold() {
  stop_order_hold
  start_daemon "$HOLD_PID" "$HOLD_LOG" env ORDER_HOLD_GROUP_ID="shop-order-hold-demo-$(date +%s)" \
    ORDER_HOLD_FROM_BEGINNING=false ORDER_HOLD_STATE_DIR="$DEMO_DIR/order-hold" node "$HOLD_MARKER"
  wait_until 30 order-hold "$HOLD_PID" "$HOLD_MARKER" "$HOLD_LOG" log_has "$HOLD_LOG" '"joined consumer group"'
}

start_dashboard() {
  if pid_of "$DASHBOARD_PID" "$DASHBOARD_MARKER" >/dev/null && http_ok "$DASHBOARD_URL/healthz"; then return 0; fi
  STOP_QUIET=1 stop_pid "$DASHBOARD_PID" "$DASHBOARD_MARKER" dashboard
  free_port dashboard "$DASHBOARD_PORT"
  start_daemon "$DASHBOARD_PID" "$DEMO_DIR/dashboard.log" env DASHBOARD_HOST=127.0.0.1 DASHBOARD_PORT="$DASHBOARD_PORT" \
    node "$DASHBOARD_MARKER"
  wait_until 60 dashboard "$DASHBOARD_PID" "$DASHBOARD_MARKER" "$DEMO_DIR/dashboard.log" http_ok "$DASHBOARD_URL/healthz"
}

start_storefront() {
  if pid_of "$STOREFRONT_PID" "$STOREFRONT_MARKER" >/dev/null && http_ok "$STOREFRONT_URL/"; then return 0; fi
  STOP_QUIET=1 stop_pid "$STOREFRONT_PID" "$STOREFRONT_MARKER" storefront
  free_port storefront "$STOREFRONT_PORT"
  [ -f examples/storefront/.next/BUILD_ID ] || die "the storefront is not built (examples/storefront/.next); run make build"
  start_daemon "$STOREFRONT_PID" "$DEMO_DIR/storefront.log" bash "$ROOT/scripts/demo.sh" serve-storefront
  wait_until 60 storefront "$STOREFRONT_PID" "$STOREFRONT_MARKER" "$DEMO_DIR/storefront.log" http_ok "$STOREFRONT_URL/"
}

# Runs in the storefront's session (start_storefront): Next's server as a child, not exec'd, so that this command
# line stays the service's marker.
serve_storefront() {
  export STOREFRONT_COLLECTOR_URL="${STOREFRONT_COLLECTOR_URL:-$COLLECTOR_URL}"
  export STOREFRONT_WRITE_KEY="${STOREFRONT_WRITE_KEY:-$WRITE_KEY}"
  export STOREFRONT_SERVER_WRITE_KEY="${STOREFRONT_SERVER_WRITE_KEY:-$SERVER_WRITE_KEY}"
  export NEXT_TELEMETRY_DISABLED=1
  cd examples/storefront
  node node_modules/next/dist/bin/next start -H 127.0.0.1 -p "$STOREFRONT_PORT" &
  local next=$!
  trap 'kill -TERM "$next" 2>/dev/null || true' TERM INT
  wait "$next" || wait "$next" || true
}

stop_collector() { STOP_QUIET=1 stop_pid "$COLLECTOR_PID" "$COLLECTOR_MARKER" collector; }
stop_order_hold() { STOP_QUIET=1 stop_pid "$HOLD_PID" "$HOLD_MARKER" order-hold; }

# The demo's own services; the stack (Kafka, S3) and the streams are scripts/stack/down.sh's.
stop_services() {
  STOP_QUIET=1 stop_pid "$STOREFRONT_PID" "$STOREFRONT_MARKER" storefront
  STOP_QUIET=1 stop_pid "$DASHBOARD_PID" "$DASHBOARD_MARKER" dashboard
  stop_order_hold
  # SIGTERM: the runner flushes and commits what it holds, then exits.
  STOP_QUIET=1 stop_pid "$SINK_PID" "$SINK_MARKER" sink
  stop_collector
}

# run_stream NAME: starts one stream with the demo's arguments, its output in .stack/demo/stream-NAME.start.log.
run_stream() {
  case "$1" in
    fraud) FRAUD_STREAM_ARGS="--starting-offsets latest ${FRAUD_STREAM_ARGS:-}" bash scripts/stack/stream.sh fraud start ;;
    # A first start reads from the topic's end (other runs' events are old news); later ones resume.
    live-metrics) LIVE_METRICS_STREAM_ARGS="--starting-offsets latest ${LIVE_METRICS_STREAM_ARGS:-}" \
      bash scripts/stack/stream.sh live-metrics start ;;
    # Not purged: it appends closed sessions to the lake, and a fresh checkpoint would read (and append) the lake's
    # older files again. Every 10 s rather than 30, so sessions follow the sink's files within the demo.
    # Its first batch reads every file the lake has, after Spark's startup: minutes on a busy machine.
    sessions) SESSIONS_STREAM_ARGS="--trigger-seconds 10 ${SESSIONS_STREAM_ARGS:-}" \
      SESSIONS_STREAM_START_TIMEOUT="${SESSIONS_STREAM_START_TIMEOUT:-600}" bash scripts/stack/stream.sh sessions start ;;
  esac >"$DEMO_DIR/stream-$1.start.log" 2>&1
}

# The Kafka-fed streams at once (each waits for its query's first trigger; their JVMs start in parallel).
start_kafka_streams() {
  local name pids=() names=() failed=0 i
  if ((FRAUD_CASES > 0)); then
    # A fresh fraud stream from the topic's end: the run replays its warm-up (and customers' histories) in time order,
    # which a checkpoint whose watermark is already at "now" would drop as late.
    bash scripts/stack/stream.sh fraud purge >/dev/null
  fi
  for name in fraud live-metrics; do
    run_stream "$name" &
    pids+=($!) names+=("$name")
  done
  for i in "${!pids[@]}"; do
    if ! wait "${pids[$i]}"; then
      cat "$DEMO_DIR/stream-${names[$i]}.start.log" >&2
      failed=1
    fi
  done
  ((failed == 0)) || die "a stream did not start (above)"
}

print_urls() {
  log "storefront  $STOREFRONT_URL  (shop in it yourself: its events join the demo's)"
  log "dashboard   $DASHBOARD_URL  (live metrics and fraud alerts)"
  log "collector   $COLLECTOR_URL  (/metrics)"
}

# Sessions close in the stream when its watermark passes their last event plus the gap; after the sink's last files,
# wait for two of its triggers (one reads them, the next emits what the moved watermark closed), 2 minutes at most.
wait_sessions_stream() {
  local commits="${SESSIONS_STREAM_DIR:-$STACK_DIR/stream/sessions}/checkpoint/commits" before after i
  before="$(find "$commits" -maxdepth 1 -name '[0-9]*' -printf '%f\n' 2>/dev/null | sort -n | tail -n 1)"
  for ((i = 0; i < 240; i++)); do
    after="$(find "$commits" -maxdepth 1 -name '[0-9]*' -printf '%f\n' 2>/dev/null | sort -n | tail -n 1)"
    [ -n "$after" ] && ((after >= ${before:--1} + 2)) && return 0
    sleep 0.5
  done
  log "    the sessions stream committed fewer than two batches in 2 minutes; the report shows the sessions it had closed"
}

# After DEMO_SECONDS no shopper starts a visit; visits in progress get up to DEMO_GRACE_SECONDS more, then the generator
# is stopped as on Ctrl-C. Polls, so it ends with the generator (which ends when the last visit does). 300 by default:
# the fraud cases begin a minute into the live part and a card test or a takeover runs up to about five minutes (the
# generator keeps them that far from a live part's end); cut at 60 s, a clean-clone run missed two of three frauds
# whose decisive steps were never sent, and scored them as missed.
GRACE_SECONDS="${DEMO_GRACE_SECONDS:-300}"
[[ "$GRACE_SECONDS" =~ ^[0-9]+$ ]] || die "DEMO_GRACE_SECONDS=$GRACE_SECONDS: expected a whole number"
stop_generator_in_time() {
  local i
  for ((i = 0; i < SECONDS_LIVE + GRACE_SECONDS; i++)); do
    kill -0 "$GEN_PID" 2>/dev/null || return 0
    ((i != SECONDS_LIVE)) || log "    time is up: no new shoppers; visits in progress get ${GRACE_SECONDS}s more"
    sleep 1
  done
  kill -TERM "$GEN_PID" 2>/dev/null || true
}

GEN_PID="" WATCH_PID="" SESSIONS_START_PID="" INTERRUPTED=0
on_interrupt() {
  INTERRUPTED=1
  # Background jobs of a script ignore SIGINT: the generator is told to stop (it still sends what it played and
  # writes its labels); a second Ctrl-C stops it at once.
  [ -z "$GEN_PID" ] || kill -TERM "$GEN_PID" 2>/dev/null || true
}

run() {
  local started=$SECONDS ci=0 gen_rc=0 report_rc=0 gen_args=()
  ci_mode && ci=1
  # CI mode leaves no service of the demo behind, also when a step fails.
  ((ci == 0)) || trap 'stop_services' EXIT
  bash scripts/bootstrap.sh all
  # Installed just now on a fresh machine: every `node` below runs on it.
  require_pinned_node
  bash scripts/run.sh pnpm exec turbo run build --output-logs=errors-only
  bash scripts/stack/up.sh
  mkdir -p "$DEMO_DIR"
  rm -f "$DEMO_DIR"/{labels.jsonl,acks.jsonl,load-report.json,fraud-score.json,summary.json,funnel.json}

  log "1/5 services: collector, sink runner, dashboard, storefront; streams: fraud scoring, live metrics (sessions: beside the traffic)"
  start_collector
  start_sink
  start_dashboard
  start_storefront
  print_urls
  start_kafka_streams
  ((FRAUD_CASES == 0)) || start_order_hold

  gen_args=(--host "$COLLECTOR_URL" --write-key "$WRITE_KEY" --server-write-key "$SERVER_WRITE_KEY"
    --shoppers "$SHOPPERS" --seed "$SEED" --window-minutes "$WARMUP_MINUTES" --live-seconds "$SECONDS_LIVE"
    --fraud-cases "$FRAUD_CASES" --labels "$DEMO_DIR/labels.jsonl" --acks "$DEMO_DIR/acks.jsonl")
  local browsers="no shoppers in Chromium"
  if ((BROWSER_SHOPPERS > 0)); then
    if node examples/load-generator/dist/cli.js --help 2>&1 | grep -q -- "--storefront"; then
      gen_args+=(--storefront "$STOREFRONT_URL" --browser-shoppers "$BROWSER_SHOPPERS")
      browsers="$BROWSER_SHOPPERS shopper(s) in headless Chromium on the storefront"
    else
      browsers="no shoppers in Chromium: this load generator has no --storefront option yet"
    fi
  fi
  log "2/5 $SHOPPERS simulated shoppers (a ${WARMUP_MINUTES}-minute warm-up replayed at once, then ${SECONDS_LIVE}s live)," \
    "$FRAUD_CASES case(s) of each fraud scenario and hard negative, $browsers (seed $SEED)"
  ((ci == 1)) || log "    Ctrl-C stops the shoppers early; the report follows and everything stays up"
  trap on_interrupt INT
  local watch_args=(--seconds "$SECONDS_LIVE")
  ((ci == 0)) || watch_args+=(--plain)
  node --disable-warning=TimeoutNegativeWarning examples/load-generator/dist/demo/watch-cli.js "${watch_args[@]}" &
  WATCH_PID=$!
  node examples/load-generator/dist/cli.js "${gen_args[@]}" >"$DEMO_DIR/load-report.json" 2>"$DEMO_DIR/load-generator.log" &
  GEN_PID=$!
  stop_generator_in_time &
  # The sessions stream's JVM starts beside the traffic rather than before it; on a new lake the job waits for the
  # sink's first file by itself.
  run_stream sessions &
  SESSIONS_START_PID=$!
  set +e
  wait "$GEN_PID"
  gen_rc=$?
  # A trapped signal ends `wait` early: wait again until the generator has written its files and exited.
  while ((gen_rc > 128)) && kill -0 "$GEN_PID" 2>/dev/null; do
    wait "$GEN_PID"
    gen_rc=$?
  done
  set -e
  trap - INT
  kill -TERM "$WATCH_PID" 2>/dev/null || true
  wait "$WATCH_PID" 2>/dev/null || true
  ((INTERRUPTED == 0)) || log "    interrupted: the shoppers stopped early; the report shows what arrived"
  if [ ! -s "$DEMO_DIR/load-report.json" ]; then
    tail -n 20 "$DEMO_DIR/load-generator.log" >&2
    die "the load generator failed (exit $gen_rc; log: $DEMO_DIR/load-generator.log)"
  fi
  ((gen_rc == 0)) || log "    the load generator exited $gen_rc: some events were not accepted (see $DEMO_DIR/load-report.json)"
  # shellcheck disable=SC2016 # JavaScript, not shell
  node -e 'const r = require(process.argv[1]); console.error(`    sent ${r.sent} events (${r.dropped} dropped), ${r.orders} orders planned by the shoppers`)' \
    "$DEMO_DIR/load-report.json"

  log "3/5 waiting for the sink to write everything the collector acked (lag 0), then for the sessions stream"
  # (kafkajs sets a timer with a negative delay, which Node 24 warns about: harmless, see README.md.)
  node --disable-warning=TimeoutNegativeWarning examples/load-generator/dist/demo/lag-cli.js \
    --group "${SINK_GROUP_ID:-shop-s3-sink-local}" --timeout-seconds 180
  if ! wait "$SESSIONS_START_PID"; then
    cat "$DEMO_DIR/stream-sessions.start.log" >&2
    die "the sessions stream did not start (above)"
  fi
  SESSIONS_START_PID=""
  wait_sessions_stream

  if ((FRAUD_CASES > 0)); then
    log "4/5 fraud alerts on $KAFKA_TOPIC_FRAUD, scored against the run's labels ($DEMO_DIR/fraud-score.json)"
    # Scored once the stream has read every event (a busy machine leaves it minutes behind), else alerts still to
    # come would count as misses.
    node --disable-warning=TimeoutNegativeWarning examples/load-generator/dist/demo/lag-cli.js \
      --checkpoint "${FRAUD_STREAM_DIR:-$STACK_DIR/stream/fraud}/checkpoint" --timeout-seconds 300 ||
      log "    the fraud stream is still behind: alerts it has not raised yet count as misses"
    node --disable-warning=TimeoutNegativeWarning examples/load-generator/dist/score-cli.js --labels "$DEMO_DIR/labels.jsonl" --acks "$DEMO_DIR/acks.jsonl" \
      --settle-seconds 10 --show 4 >"$DEMO_DIR/fraud-score.json" || true
    log "    examples/order-hold placed $(grep -c "^\[local shop\] hold placed" "$HOLD_LOG" || true) hold(s) on orders and checkouts ($HOLD_LOG)"
  fi

  log "5/5 report from the query layer (the lake's Parquet on S3, local engine)"
  node packages/query/dist/cli.js summary --json >"$DEMO_DIR/summary.json"
  node packages/query/dist/cli.js run funnel_sessions --json >"$DEMO_DIR/funnel.json"
  local score_arg=()
  ((FRAUD_CASES == 0)) || score_arg=(--score "$DEMO_DIR/fraud-score.json")
  node examples/load-generator/dist/demo/report-cli.js --summary "$DEMO_DIR/summary.json" \
    --funnel "$DEMO_DIR/funnel.json" "${score_arg[@]}" || report_rc=$?

  if ((ci == 1)); then
    log "CI mode: stopping the demo's services (the stack and its streams stay up: make down stops them)"
    trap - EXIT
    stop_services
    log "demo finished in $((SECONDS - started))s"
    exit "$report_rc"
  fi
  print_urls
  ((report_rc == 0)) || log "    the report above is incomplete (reasons above); an interactive run exits 0 all the same"
  log "demo finished in $((SECONDS - started))s. Everything stays up for exploring: node packages/query/dist/cli.js list" \
    "(the analysts' questions), then run funnel_sessions, or sql \"SELECT ...\"; alerts: $KAFKA_TOPIC_FRAUD and" \
    "s3://$S3_BUCKET/fraud_alerts; stop everything: make down"
}

case "${1:-run}" in
  run) run ;;
  collector) require_pinned_node && stop_collector && start_collector && log "collector on $COLLECTOR_URL (pid $(cat "$COLLECTOR_PID"))" ;;
  serve-storefront) serve_storefront ;;
  stop) stop_services ;;
  *) die "usage: $0 [run|collector|stop]" ;;
esac
