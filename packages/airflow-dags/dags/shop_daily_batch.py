"""
### Shop daily batch

Sessionizes one UTC day of storefront events (`ds`) into the sessions dataset.

1. **wait_for_events_partition**: waits until `events/dt=<ds>/` holds Parquet files
   (XCom: the partition's file count and bytes).
2. **sessionize_batch**: runs `shop_jobs.jobs.sessionize_batch` for that day, either locally
   in the processing-jobs environment (XCom: the job's JSON summary) or on Databricks
   (XCom: `run_id`, `run_page_url`), as `SHOP_DEPLOY_TARGET` says.

Settings come from the environment; see `shop_dags/config.py`. Re-running a day is safe:
the job overwrites that day's sessions partition.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import CronDataIntervalTimetable, PokeReturnValue, dag, task

from shop_dags import jobs, s3
from shop_dags.config import DeployTarget, load_config

config = load_config()


@dag(
    dag_id="shop_daily_batch",
    # A data-interval timetable makes `ds` the day that just ended. Firing at 00:30 rather than at
    # midnight gives the Kafka→S3 sink time to flush the day's last files before the job reads them.
    schedule=CronDataIntervalTimetable("30 0 * * *", timezone="UTC"),
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    # Off on purpose: each run rebuilds exactly one day, so after downtime or a first deploy the
    # missing days are a deliberate `airflow backfill create`, not a burst of cluster runs.
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["shop-analytics", "batch", "sessions", config.target.value],
    default_args={
        "owner": "shop-analytics",
        "retries": config.task_retries,
        "retry_delay": timedelta(seconds=config.retry_delay_seconds),
        "retry_exponential_backoff": True,
    },
)
def shop_daily_batch():
    @task.sensor(
        poke_interval=60,
        timeout=config.events_wait_seconds,
        # Frees the worker slot between pokes; a day's partition can take a while to appear.
        mode="reschedule",
    )
    def wait_for_events_partition(ds: str | None = None) -> PokeReturnValue:
        url = s3.daily_partition_url(config.events_url, ds)
        status = s3.partition_status(s3.make_s3_client(), url)
        return PokeReturnValue(is_done=status.present, xcom_value=status.as_dict())

    job_timeout = timedelta(minutes=config.job_timeout_minutes)

    if config.target is DeployTarget.LOCAL:

        @task(task_id="sessionize_batch", execution_timeout=job_timeout)
        def sessionize_batch(ds: str | None = None) -> dict:
            return jobs.run_local_job(config.local, jobs.job_arguments(config, ds))

        sessionize = sessionize_batch()
    else:
        sessionize = _databricks_sessionize(jobs.job_arguments(config, "{{ ds }}"), job_timeout)

    wait_for_events_partition() >> sessionize


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
