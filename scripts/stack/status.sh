#!/usr/bin/env bash
# Prints the state of each service of the local stack; exits 0 only when all are running.
# Usage: scripts/stack/status.sh
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"

rc=0
bash "$HERE/kafka.sh" status || rc=1
bash "$HERE/s3.sh" status || rc=1
exit "$rc"
