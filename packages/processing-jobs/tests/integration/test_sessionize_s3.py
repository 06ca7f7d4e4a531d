"""The sessionization job against the local S3 server, through s3a (hadoop-aws + AWS SDK v2)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from pyspark.testing import assertDataFrameEqual
from support import DAY, JOB_EVENTS, PACKAGE_DIR, expected_day_sessions, storage_fixture_sessions

from shop_jobs.jobs.entrypoint import EXIT_INPUT_MISSING
from shop_jobs.jobs.sessionize_batch import main
from shop_jobs.lake import write_events

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def lake(s3, make_events, storage_rows):
    """The job scenario plus the shared storage fixture rows, written as the S3 sink lays them out."""
    events = make_events(*JOB_EVENTS).unionByName(storage_rows)
    write_events(events, f"{s3.s3a_root}/events")
    return s3


@pytest.fixture(scope="module")
def read_sessions(spark, sessions_schema):
    # The schema keeps dt a string; partition inference would turn it into a date.
    return lambda root: spark.read.schema(sessions_schema.full).parquet(root)


def cli_args(s3, day: str) -> list[str]:
    return ["--events-path", f"{s3.s3a_root}/events", "--sessions-path", f"{s3.s3a_root}/sessions", "--date", day]


@pytest.fixture(scope="module")
def expected(make_sessions):
    return make_sessions(*expected_day_sessions(), *(s for s in storage_fixture_sessions() if s["dt"] == DAY))


def test_events_land_in_the_sink_layout_on_the_server(lake):
    keys = lake.keys("events/")
    assert any(k.startswith(f"{lake.prefix}/events/dt={DAY}/hour=10/") and k.endswith(".parquet") for k in keys)
    assert any(k.startswith(f"{lake.prefix}/events/dt=2026-11-27/hour=23/") for k in keys)
    # Two-digit hours, as the S3 sink writes them and the job reads them.
    assert any(k.startswith(f"{lake.prefix}/events/dt=2026-11-29/hour=00/") for k in keys)


def test_job_writes_the_day_and_a_fresh_process_rerun_is_idempotent(read_sessions, expected, lake, capsys):
    assert main(cli_args(lake, DAY)) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    # JOB_EVENTS: 6 events in 2 sessions; the fixture rows' sessions starting on DAY: 6 + 1 + 1 + 1 events.
    assert summary == {"date": DAY, "sessions": 6, "events": 15}
    sessions_root = f"{lake.s3a_root}/sessions"
    assertDataFrameEqual(read_sessions(sessions_root), expected, checkRowOrder=False)

    # Again, as Airflow or a Databricks python task would start it: its own process and SparkSession.
    rerun = subprocess.run(
        [sys.executable, "-m", "shop_jobs.jobs.sessionize_batch", *cli_args(lake, DAY)],
        cwd=PACKAGE_DIR,
        # Same small-JVM settings as the test session (see conftest), to keep the second JVM cheap.
        env={
            **os.environ,
            "SHOP_SPARK_MASTER": "local[1]",
            "JAVA_TOOL_OPTIONS": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
        },
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert json.loads(rerun.stdout.strip().splitlines()[-1]) == summary
    assertDataFrameEqual(read_sessions(sessions_root), expected, checkRowOrder=False)
    day_files = [k for k in lake.keys(f"sessions/dt={DAY}/") if k.endswith(".parquet")]
    assert len(day_files) == 1, day_files


def test_missing_day_is_reported_and_fails(lake, capsys):
    assert main(cli_args(lake, "2026-12-24")) == EXIT_INPUT_MISSING
    assert f"{lake.s3a_root}/events/dt=2026-12-24 does not exist" in capsys.readouterr().err
