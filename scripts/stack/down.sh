#!/usr/bin/env bash
# Stops the processes the stack started (SIGTERM, then SIGKILL after STACK_STOP_TIMEOUT s) and
# waits until they are gone: the streams (stream.sh, those that run), Trino (if it runs), then Kafka and S3.
# Usage: scripts/stack/down.sh [--purge]   --purge also deletes Kafka's data and both logs (the
# stream's checkpoint stays; its next start sees the new broker and begins a fresh one)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../lib.sh
source "$HERE/../lib.sh"

action=stop
case "${1:-}" in
  "") ;;
  --purge) action=purge ;;
  *) die "usage: $0 [--purge]" ;;
esac

# The streams first: they are clients of both. Quiet when they do not run, as they mostly do not.
for stream in fraud live-metrics sessions; do
  bash "$HERE/stream.sh" "$stream" stop --quiet || die "could not stop the $stream stream"
done

# Trino reads S3: before it. Quiet when it does not run (it is optional).
if [ "$action" = purge ]; then
  bash "$HERE/trino.sh" purge || die "could not stop Trino"
else
  bash "$HERE/trino.sh" stop --quiet || die "could not stop Trino"
fi

# Both at once: the broker's controlled shutdown takes a few seconds, moto's none.
bash "$HERE/s3.sh" "$action" &
s3_pid=$!
kafka_rc=0
bash "$HERE/kafka.sh" "$action" || kafka_rc=$?
s3_rc=0
wait "$s3_pid" || s3_rc=$?
((kafka_rc == 0 && s3_rc == 0)) || die "could not stop everything (kafka rc=$kafka_rc, s3 rc=$s3_rc)"
