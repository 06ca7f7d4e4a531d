"""
### Shop fraud stream watch

Every 5 minutes: is the fraud scoring stream (`shop_jobs.jobs.fraud_stream`) alive and making progress?
If not, restart it.

1. **check_stream** (XCom: the verdict: `health` = healthy, not_running or stalled, a `reason`, and
   the lag numbers).
   - *local*: the process by `scripts/stack/stream.sh status`; progress by the Spark checkpoint (the
     newest committed micro-batch and its offsets) against the topic's end offsets in Kafka. Healthy
     when the newest committed batch has read the topic to its end, or when a batch was committed
     within `SHOP_STREAM_STALL_SECONDS` (300) of now (or of the process's start). Otherwise stalled.
   - *databricks*: the job's runs (Jobs API, through the Databricks connection). Healthy when a run is
     RUNNING, or starting (PENDING, QUEUED, ...) for less than the stall threshold.
2. **restart_stream**: skipped when healthy. Otherwise:
   - *local*: `stream.sh restart` (a stalled process is stopped, SIGKILL after `STACK_STOP_TIMEOUT`,
     then started; it resumes from its checkpoint), then waits until the job commits a new batch (or,
     with nothing new to read, stays up for 30 s). Fails, with the job's log tail, when it does not
     within `SHOP_STREAM_RECOVERY_SECONDS` (300).
   - *databricks*: `run-now` when no run is active, and fails if the new run ends at once. A run stuck
     starting past the threshold is reported (the task fails) but not restarted.

What this adds on Databricks: the job is `continuous`, so Databricks itself starts a new run when one
fails. It does not when the job has been paused, or its trigger removed, or runs keep being skipped:
then this DAG notices that nothing is running, starts a run, and its failed or restarting task is the
alert. To stop the stream on purpose, pause this DAG as well as the job.

Settings come from the environment; see `shop_dags/config.py` (`load_stream_watch_config`).
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pendulum
from airflow.sdk import CronTriggerTimetable, dag, task
from airflow.sdk.exceptions import AirflowSkipException

from shop_dags import stream_watch
from shop_dags.config import load_stream_watch_config

log = logging.getLogger(__name__)
config = load_stream_watch_config()


@dag(
    dag_id="shop_fraud_stream_watch",
    schedule=CronTriggerTimetable("*/5 * * * *", timezone="UTC"),
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    # Off on purpose: a check is about now; checks missed during downtime are worth nothing later.
    catchup=False,
    # A slow restart must not be met by a second watch run restarting the same stream.
    max_active_runs=1,
    doc_md=__doc__,
    tags=["shop-analytics", "streaming", "fraud", config.target.value],
    default_args={
        "owner": "shop-analytics",
        "retries": config.task_retries,
        # Short: the next scheduled check is at most 5 minutes away anyway.
        "retry_delay": timedelta(seconds=30),
    },
)
def shop_fraud_stream_watch():
    @task(execution_timeout=timedelta(minutes=2))
    def check_stream() -> dict:
        verdict = stream_watch.check(config)
        level = logging.INFO if stream_watch.is_healthy(verdict) else logging.WARNING
        log.log(level, "fraud stream %s: %s (verdict %s)", verdict["health"], verdict["reason"], verdict)
        return verdict

    # Room for stream.sh's stop (STACK_STOP_TIMEOUT) and start inside the recovery window, plus the checks.
    @task(execution_timeout=timedelta(seconds=config.recovery_seconds + 120))
    def restart_stream(verdict: dict) -> dict:
        if stream_watch.is_healthy(verdict):
            raise AirflowSkipException(f"healthy: {verdict['reason']}")
        log.warning("restarting the fraud stream: %s", verdict["reason"])
        outcome = stream_watch.restart(config, verdict)
        log.info("fraud stream restarted: %s", outcome)
        return outcome

    restart_stream(check_stream())


shop_fraud_stream_watch()
