#!/usr/bin/env bash
# Prints the state of each service of the local stack; exits 0 only when Kafka and S3 are running.
# The streams' and Trino's states are printed too, but they are optional: a stopped one is not a failure.
# Usage: scripts/stack/status.sh
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"

rc=0
bash "$HERE/kafka.sh" status || rc=1
bash "$HERE/s3.sh" status || rc=1
for stream in fraud live-metrics sessions; do
  bash "$HERE/stream.sh" "$stream" status || true
done
# Optional too (make trino-up).
bash "$HERE/trino.sh" status || true
exit "$rc"
