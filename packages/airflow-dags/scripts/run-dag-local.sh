#!/usr/bin/env bash
# Runs one DAG for one logical date with dag.test() (`airflow dags test`): every task in this one
# process, metadata in SQLite under .stack/airflow (AIRFLOW_HOME overrides). Exits non-zero when the
# DAG run fails.
# Usage: packages/airflow-dags/scripts/run-dag-local.sh <dag_id> <YYYY-MM-DD>
# Needs: scripts/bootstrap.sh python (both uv environments) and the local stack's S3 server.
set -euo pipefail
PKG="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$PKG/../../scripts/lib.sh"

[ $# -eq 2 ] || die "usage: $0 <dag_id> <YYYY-MM-DD>"
dag_id="$1"
day="$2"
[[ "$day" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] || die "date must be YYYY-MM-DD, got '$day'"
[ -x "$PKG/.venv/bin/airflow" ] || die "packages/airflow-dags/.venv is missing: run scripts/bootstrap.sh python"

load_stack_env
export AIRFLOW_HOME="${AIRFLOW_HOME:-$STACK_DIR/airflow}"
export AIRFLOW__CORE__DAGS_FOLDER="$PKG/dags"
export AIRFLOW__CORE__LOAD_EXAMPLES=False
export SHOP_DEPLOY_TARGET="${SHOP_DEPLOY_TARGET:-local}"
export SHOP_REPO_ROOT="${SHOP_REPO_ROOT:-$ROOT}"
# A demo run should fail fast on a missing partition rather than wait hours for late data.
export SHOP_EVENTS_WAIT_SECONDS="${SHOP_EVENTS_WAIT_SECONDS:-60}"
# The demo runs a day right after the sink has written it, often a day still going on: it does not wait for the
# day's window to end or settle (the sessions of a day still going on are partial until its next run).
export SHOP_WAIT_FOR_WINDOW_END="${SHOP_WAIT_FOR_WINDOW_END:-false}"
export SHOP_SETTLE_MINUTES="${SHOP_SETTLE_MINUTES:-0}"
# dag.test() waits out retry delays in the foreground; a local failure should surface at once.
export SHOP_TASK_RETRIES="${SHOP_TASK_RETRIES:-0}"
mkdir -p "$AIRFLOW_HOME"

# `airflow db migrate` costs 15-20 s even when nothing changes, so it runs only for a new database
# or a new Airflow version (the stamp records the version it last migrated to).
stamp="$AIRFLOW_HOME/.db-migrated"
version="$("$PKG/.venv/bin/python" -c 'import importlib.metadata as m; print(m.version("apache-airflow-core"))')"
if [ ! -f "$AIRFLOW_HOME/airflow.db" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$version" ]; then
  log "airflow db migrate ($AIRFLOW_HOME)"
  "$PKG/.venv/bin/airflow" db migrate >"$AIRFLOW_HOME/db-migrate.log" 2>&1 \
    || { tail -n 40 "$AIRFLOW_HOME/db-migrate.log" >&2; die "airflow db migrate failed"; }
  echo "$version" >"$stamp"
fi

log "airflow dags test $dag_id $day (target: $SHOP_DEPLOY_TARGET)"
exec "$PKG/.venv/bin/airflow" dags test "$dag_id" "$day"
