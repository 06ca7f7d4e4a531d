"""Airflow tasks that run a batch job on the configured target: a subprocess locally, the bundle's job on
Databricks (run-now by name). The DAG files only wire them together."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from airflow.sdk import task

from shop_dags import jobs, s3
from shop_dags.config import DeployTarget, ShopConfig

log = logging.getLogger(__name__)


def on_task_failure(context: dict[str, Any]) -> None:
    """Failure callback: one line a log search or an alert rule can match, with what failed and why."""
    ti = context.get("task_instance")
    log.error(
        "SHOP-ANALYTICS TASK FAILED dag=%s task=%s run=%s try=%s: %s",
        getattr(ti, "dag_id", "?"),
        getattr(ti, "task_id", "?"),
        context.get("run_id"),
        getattr(ti, "try_number", "?"),
        context.get("exception"),
    )


def default_args(config: ShopConfig) -> dict[str, Any]:
    """Every batch task's owner, retries with exponential backoff, and failure callback."""
    return {
        "owner": "shop-analytics",
        "retries": config.task_retries,
        "retry_delay": timedelta(seconds=config.retry_delay_seconds),
        "retry_exponential_backoff": True,
        "on_failure_callback": on_task_failure,
    }


def record_manifest_task(config: ShopConfig):
    """A task that writes a day's manifest (shop_dags.s3.write_manifest) from a WindowListing dict."""

    @task(task_id="record_manifest", execution_timeout=timedelta(minutes=5))
    def record_manifest(listing: dict) -> str:
        import pendulum

        return s3.write_manifest(
            s3.make_s3_client(),
            config.manifests_url,
            s3.WindowListing.from_dict(listing),
            pendulum.now("UTC"),
        )

    return record_manifest


def bundle_job_name(config: ShopConfig, job: jobs.BatchJob) -> str:
    assert config.databricks is not None
    return f"{config.databricks.job_name_prefix}{job.bundle_name}"


def job_for_day(config: ShopConfig, job: jobs.BatchJob, ds: str | None, timeout: timedelta):
    """A task running `job` for day `ds` (a template such as "{{ ds }}" works on both targets)."""
    arguments = jobs.arguments_for(config, job, ds)
    if config.target is DeployTarget.LOCAL:

        @task(task_id=job.key, execution_timeout=timeout)
        def run_locally(arguments: list[str]) -> dict:
            assert config.local is not None
            return jobs.run_local_module(config.local, job, arguments)

        return run_locally(arguments)
    from airflow.providers.databricks.operators.databricks import DatabricksRunNowOperator

    assert config.databricks is not None
    return DatabricksRunNowOperator(
        task_id=job.key,
        databricks_conn_id=config.databricks.conn_id,
        job_name=bundle_job_name(config, job),
        python_params=arguments,
        execution_timeout=timeout,
    )


def job_for_each_day(config: ShopConfig, job: jobs.BatchJob, days, timeout: timedelta):
    """A task mapped over `days` (an XComArg of "YYYY-MM-DD" strings), one run of `job` per day."""
    if config.target is DeployTarget.LOCAL:

        @task(task_id=job.key, execution_timeout=timeout)
        def run_locally(day: str) -> dict:
            assert config.local is not None
            return jobs.run_local_module(config.local, job, jobs.arguments_for(config, job, day))

        return run_locally.expand(day=days)
    from airflow.providers.databricks.operators.databricks import DatabricksRunNowOperator

    assert config.databricks is not None
    return DatabricksRunNowOperator.partial(
        task_id=job.key,
        databricks_conn_id=config.databricks.conn_id,
        job_name=bundle_job_name(config, job),
        execution_timeout=timeout,
    ).expand(python_params=days.map(lambda day: jobs.arguments_for(config, job, day)))
