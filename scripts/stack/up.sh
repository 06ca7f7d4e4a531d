#!/usr/bin/env bash
# Starts the local stack (Kafka and S3) and waits until both are healthy. Idempotent: a running,
# healthy service is left alone (missing topics and the bucket are still created).
# Usage: scripts/stack/up.sh [kafka] [s3]     (no argument: both)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../lib.sh
source "$HERE/../lib.sh"
load_stack_env

services=("$@")
((${#services[@]})) || services=(kafka s3)
for s in "${services[@]}"; do
  [[ "$s" == kafka || "$s" == s3 ]] || die "usage: $0 [kafka] [s3]"
done

start_time=$SECONDS
# Started side by side: moto is up in a second or two while the broker's JVM is still warming up.
pids=()
for s in "${services[@]}"; do
  bash "$HERE/$s.sh" start &
  pids+=("$!")
done
failed=0
for i in "${!pids[@]}"; do
  wait "${pids[$i]}" || { failed=1; log "${services[$i]} failed to start (see above)"; }
done
((failed == 0)) || die "the stack is not fully up; scripts/stack/down.sh stops what did start"

log "stack up in $((SECONDS - start_time))s: KAFKA_BROKERS=$KAFKA_BROKERS S3_ENDPOINT_URL=$S3_ENDPOINT_URL"
