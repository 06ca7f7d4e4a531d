"""
### Shop daily batch

Rebuilds one UTC day (`ds`) of the analytics tables once its events are complete, then checks it.

1. **wait_for_complete_window**: waits until the events the day's sessionization reads (the day, the last
   gap of the day before, the lookahead hours of the next) are complete: the window has ended by the settle
   time and no new file has landed in it for that long (`shop_dags/s3.py`, `completeness`). Presence is not
   enough: a day's first files appear minutes after midnight. XCom: the window's listing.
2. **sessionize_batch**: `shop_jobs.jobs.sessionize_batch` for the day (replaces its sessions partition).
3. **build_users**: rebuilds the users table from all sessions (identity stitching).
4. **daily_metrics**: the day's KPIs into the daily_metrics table.
5. **quality_checks**: rows per hour, duplicate share, null rates, late share, duplicate session ids; a
   failed check fails the run with the figures in the log.
6. **record_manifest**: notes what the run read (`_manifests/sessions/dt=<ds>.json`), so the hourly
   `shop_late_data` DAG can tell when late files arrive for the day and re-run it.

Locally the jobs run in the processing-jobs environment; on Databricks as the bundle's jobs
(`SHOP_DEPLOY_TARGET`). Settings come from the environment (`shop_dags/config.py`). Every step replaces what
it writes, so re-running a day is safe. A failing task retries with backoff, then logs a
`SHOP-ANALYTICS TASK FAILED` line (`on_task_failure`).
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pendulum
from airflow.sdk import CronDataIntervalTimetable, PokeReturnValue, dag, task

from shop_dags import jobs, s3
from shop_dags.batch_tasks import default_args, job_for_day, record_manifest_task
from shop_dags.config import DeployTarget, load_config

config = load_config()
log = logging.getLogger(__name__)


@dag(
    dag_id="shop_daily_batch",
    # A data-interval timetable makes `ds` the day before the run. The window of a day ends at the lookahead
    # (02:00 by default) and settles after that; the sensor waits for completeness, so firing at 02:30 only
    # saves it from poking for two hours.
    schedule=CronDataIntervalTimetable("30 2 * * *", timezone="UTC"),
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    # Off on purpose: each run rebuilds exactly one day, so after downtime or a first deploy the
    # missing days are a deliberate `airflow backfill create`, not a burst of cluster runs.
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["shop-analytics", "batch", "sessions", config.target.value],
    default_args=default_args(config),
)
def shop_daily_batch():
    @task.sensor(
        poke_interval=60,
        timeout=config.events_wait_seconds,
        # Frees the worker slot between pokes; a day's window can take a while to complete.
        mode="reschedule",
    )
    def wait_for_complete_window(ds: str | None = None) -> PokeReturnValue:
        listing = s3.list_window(
            s3.make_s3_client(), config.events_url, ds, config.session_gap_minutes, config.lookahead_hours
        )
        waiting_for = s3.completeness(
            listing,
            pendulum.now("UTC"),
            config.lookahead_hours,
            config.settle_minutes,
            config.wait_for_window_end,
        )
        if waiting_for:
            log.info("not yet: %s", waiting_for)
        return PokeReturnValue(is_done=waiting_for is None, xcom_value=listing.as_dict())

    job_timeout = timedelta(minutes=config.job_timeout_minutes)

    if config.target is DeployTarget.LOCAL:

        @task(task_id="sessionize_batch", execution_timeout=job_timeout)
        def sessionize_batch(ds: str | None = None) -> dict:
            return jobs.run_local_module(config.local, jobs.SESSIONIZE, jobs.job_arguments(config, ds))

        sessionize = sessionize_batch()
    else:
        sessionize = _databricks_sessionize(jobs.job_arguments(config, "{{ ds }}"), job_timeout)

    record_manifest = record_manifest_task(config)

    window = wait_for_complete_window()
    users = job_for_day(config, jobs.BUILD_USERS, None, job_timeout)
    metrics = job_for_day(config, jobs.DAILY_METRICS, "{{ ds }}", job_timeout)
    quality = job_for_day(config, jobs.QUALITY_CHECKS, "{{ ds }}", job_timeout)
    # One after another: on one machine (and to keep a failure's cause clear) Spark jobs do not overlap.
    window >> sessionize >> users >> metrics >> quality >> record_manifest(window)


def _databricks_sessionize(arguments: list[str], job_timeout: timedelta):
    # Imported only for this target so that local runs do not pay for the provider's imports.
    from airflow.providers.databricks.operators.databricks import (
        DatabricksRunNowOperator,
        DatabricksSubmitRunOperator,
    )

    kwargs = jobs.databricks_operator_kwargs(config.databricks, arguments)
    if config.databricks.runs_existing_job:
        return DatabricksRunNowOperator(task_id="sessionize_batch", execution_timeout=job_timeout, **kwargs)
    return DatabricksSubmitRunOperator(
        task_id="sessionize_batch",
        run_name="shop_daily_batch sessionize {{ ds }}",
        timeout_seconds=int(job_timeout.total_seconds()),
        execution_timeout=job_timeout,
        **kwargs,
    )


shop_daily_batch()
