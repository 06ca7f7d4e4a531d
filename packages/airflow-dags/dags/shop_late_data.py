"""
### Shop late data

Every hour, finds the days whose events received files after their last sessionization and rebuilds
exactly those days, so that yesterday's numbers stay right when late events land (the sink accepts
events up to `SHOP_LATE_DAYS` days late, into their own day's partition).

1. **find_late_days**: for each of the last `SHOP_LATE_DAYS` days that `shop_daily_batch` (or this DAG) has
   sessionized, compares the day's window in S3 (files, newest write) with the manifest that run left
   (`_manifests/sessions/dt=<day>.json`). A day whose window changed is late; a day never sessionized is
   left to the daily DAG. XCom: the late days with their new listings.
2. **sessionize_batch**, **daily_metrics**, **quality_checks**: one run per late day (mapped tasks).
3. **record_manifest**: the new listings, so the next hour finds nothing to redo (a second run changes
   nothing).
4. **build_users**: once, when any day was rebuilt.

Idempotent: every job replaces what it writes for its day, and an unchanged window is never redone.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pendulum
from airflow.sdk import dag, task

from shop_dags import jobs, s3
from shop_dags.batch_tasks import default_args, job_for_day, job_for_each_day, record_manifest_task
from shop_dags.config import load_config

config = load_config()
log = logging.getLogger(__name__)


@dag(
    dag_id="shop_late_data",
    schedule="@hourly",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    # Each run looks at the last days as they are now; an hour missed is covered by the next run.
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["shop-analytics", "batch", "sessions", "late-data", config.target.value],
    default_args=default_args(config),
)
def shop_late_data():
    job_timeout = timedelta(minutes=config.job_timeout_minutes)

    @task(execution_timeout=timedelta(minutes=10))
    def find_late_days(data_interval_end: pendulum.DateTime | None = None) -> list[dict]:
        client = s3.make_s3_client()
        today = (data_interval_end or pendulum.now("UTC")).date()
        late = []
        for back in range(config.late_days, 0, -1):
            ds = (today - timedelta(days=back)).isoformat()
            recorded = s3.read_manifest(client, config.manifests_url, ds)
            if recorded is None:
                continue
            current = s3.list_window(
                client, config.events_url, ds, config.session_gap_minutes, config.lookahead_hours
            )
            if s3.received_late_files(recorded, current):
                log.info("%s received late files: %s -> %s", ds, recorded.as_dict(), current.as_dict())
                late.append(current.as_dict())
        return late

    @task(execution_timeout=timedelta(minutes=1))
    def days_of(listings: list[dict]) -> list[str]:
        return [listing["day"] for listing in listings]

    record_manifest = record_manifest_task(config)

    listings = find_late_days()
    days = days_of(listings)
    sessionize = job_for_each_day(config, jobs.SESSIONIZE, days, job_timeout)
    metrics = job_for_each_day(config, jobs.DAILY_METRICS, days, job_timeout)
    quality = job_for_each_day(config, jobs.QUALITY_CHECKS, days, job_timeout)
    recorded = record_manifest.expand(listing=listings)
    users = job_for_day(config, jobs.BUILD_USERS, None, job_timeout)
    sessionize >> metrics >> quality >> recorded >> users


shop_late_data()
