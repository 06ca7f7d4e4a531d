"""dag.test() of shop_daily_batch, target local, against the real stack: the processing-jobs environment
runs the real sessionization job (PySpark over s3a) on a Parquet events partition seeded in S3."""

from __future__ import annotations

import io
import json
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from support import REPO_ROOT, TIMINGS, load_dagbag, xcom_return_value

pytestmark = pytest.mark.integration

JOBS_PROJECT = REPO_ROOT / "packages" / "processing-jobs"
STORAGE_ROWS = REPO_ROOT / "packages" / "event-schema" / "fixtures" / "storage" / "rows.jsonl"
SPARK_SCHEMA = REPO_ROOT / "packages" / "event-schema" / "generated" / "spark" / "events.json"
DAY = "2026-11-28"  # the day most of the shared storage fixture rows fall on


def arrow_schema():
    """The storage row schema as Arrow, from the file event-schema generates (the one source)."""
    import pyarrow as pa

    types = {
        "string": pa.string(),
        "integer": pa.int32(),
        "long": pa.int64(),
        "double": pa.float64(),
        "boolean": pa.bool_(),
        "timestamp": pa.timestamp("ms", tz="UTC"),
    }
    fields = json.loads(SPARK_SCHEMA.read_text(encoding="utf-8"))["fields"]
    return pa.schema([pa.field(f["name"], types[f["type"]], nullable=f["nullable"]) for f in fields])


def storage_rows() -> list[dict]:
    # Which columns are instants comes from the generated schema too (schema version 2 added one).
    fields = json.loads(SPARK_SCHEMA.read_text(encoding="utf-8"))["fields"]
    instants = {f["name"] for f in fields if f["type"] == "timestamp"}
    rows = [
        json.loads(line) for line in STORAGE_ROWS.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    for row in rows:
        for name, value in row.items():
            if isinstance(value, str) and name in instants:
                row[name] = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return rows


def empty_bucket(s3, bucket: str) -> None:
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for obj in page.get("Contents", []):
            s3.delete_object(Bucket=bucket, Key=obj["Key"])


@pytest.fixture(scope="module")
def lake(s3):
    """A bucket of its own holding the fixture rows as the S3 sink lays them out (dt=/hour=, UTC)."""
    import os

    import pyarrow as pa
    import pyarrow.parquet as pq

    for path in (STORAGE_ROWS, SPARK_SCHEMA):
        if not path.is_file():
            pytest.fail(f"{path} is missing: build packages/event-schema first")
    bucket = f"{os.environ['S3_BUCKET']}-airflow-it"
    if bucket not in {b["Name"] for b in s3.list_buckets().get("Buckets", [])}:
        s3.create_bucket(Bucket=bucket)
    empty_bucket(s3, bucket)

    schema = arrow_schema()
    by_partition: dict[tuple[str, int], list[dict]] = defaultdict(list)
    for row in storage_rows():
        ts = row["event_ts"]
        by_partition[(ts.date().isoformat(), ts.hour)].append(row)
    for (dt, hour), rows in by_partition.items():
        buffer = io.BytesIO()
        pq.write_table(pa.Table.from_pylist(rows, schema=schema), buffer, compression="zstd")
        s3.put_object(
            Bucket=bucket, Key=f"events/dt={dt}/hour={hour}/part-00000.parquet", Body=buffer.getvalue()
        )
    return bucket


def jobs_python() -> Path:
    python = JOBS_PROJECT / ".venv" / "bin" / "python"
    if not python.exists():
        pytest.fail(f"{python} is missing: run scripts/bootstrap.sh python")
    return python


def read_sessions(s3, bucket: str, day: str):
    import pyarrow as pa
    import pyarrow.parquet as pq

    keys = [
        obj["Key"]
        for obj in s3.list_objects_v2(Bucket=bucket, Prefix=f"sessions/dt={day}/").get("Contents", [])
        if obj["Key"].endswith(".parquet")
    ]
    tables = [pq.read_table(io.BytesIO(s3.get_object(Bucket=bucket, Key=k)["Body"].read())) for k in keys]
    return pa.concat_tables(tables) if tables else None


def run_env(monkeypatch: pytest.MonkeyPatch, bucket: str) -> None:
    monkeypatch.setenv("SHOP_DEPLOY_TARGET", "local")
    monkeypatch.setenv("S3_BUCKET", bucket)
    # dag.test() sits out retry delays; a failure here should show at once.
    monkeypatch.setenv("SHOP_TASK_RETRIES", "0")
    monkeypatch.setenv("SHOP_EVENTS_WAIT_SECONDS", "0")
    # The fixture's files were written a moment ago: the window counts as settled at once.
    monkeypatch.setenv("SHOP_SETTLE_MINUTES", "0")


def parquet_bytes(s3, bucket: str, prefix: str) -> dict[str, bytes]:
    keys = [
        o["Key"]
        for o in s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])
        if o["Key"].endswith(".parquet")
    ]
    return {k: s3.get_object(Bucket=bucket, Key=k)["Body"].read() for k in keys}


def test_dag_test_runs_the_real_jobs_locally(monkeypatch: pytest.MonkeyPatch, airflow_db, s3, lake):
    jobs_python()
    run_env(monkeypatch, lake)
    bag = load_dagbag()
    assert bag.import_errors == {}
    dag = bag.dags["shop_daily_batch"]

    started = time.monotonic()
    dag_run = dag.test(logical_date=datetime.fromisoformat(DAY).replace(tzinfo=UTC))
    TIMINGS["dag.test shop_daily_batch (real Spark jobs)"] = time.monotonic() - started

    assert dag_run.state == "success"
    window = xcom_return_value(dag_run, "wait_for_complete_window")
    assert window["day"] == DAY
    assert window["day_files"] >= 1
    summary = xcom_return_value(dag_run, "sessionize_batch")
    assert set(summary) == {"date", "sessions", "events"}
    assert summary["date"] == DAY
    # The summary must describe what the job wrote, not just exist.
    sessions = read_sessions(s3, lake, DAY)
    assert sessions is not None, f"no sessions Parquet under s3://{lake}/sessions/dt={DAY}/"
    assert summary["sessions"] == sessions.num_rows >= 1
    assert summary["events"] == sum(sessions.column("event_count").to_pylist())
    users = xcom_return_value(dag_run, "build_users")
    assert users["users"] >= 1
    assert parquet_bytes(s3, lake, "users/"), "no users table"
    metrics = xcom_return_value(dag_run, "daily_metrics")
    assert (metrics["date"], metrics["sessions"]) == (DAY, summary["sessions"])
    quality = xcom_return_value(dag_run, "quality_checks")
    assert quality["passed"] is True
    assert sum(quality["figures"]["rows_per_hour"].values()) == quality["figures"]["rows"] > 0
    manifest = json.loads(s3.get_object(Bucket=lake, Key=f"_manifests/sessions/dt={DAY}.json")["Body"].read())
    assert manifest["read"] == window


def test_late_data_dag_reruns_exactly_the_day_that_got_a_late_file_and_then_nothing(
    monkeypatch: pytest.MonkeyPatch, airflow_db, s3, lake
):
    """After the daily run above (same bucket): an event for DAY lands late; the hourly DAG puts it in."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    run_env(monkeypatch, lake)
    dag = load_dagbag().dags["shop_late_data"]
    an_hour_later = datetime.fromisoformat(DAY).replace(tzinfo=UTC) + timedelta(days=2)
    before = read_sessions(s3, lake, DAY)

    # Nothing new: nothing to redo.
    quiet = dag.test(logical_date=an_hour_later)
    assert quiet.state == "success"
    assert xcom_return_value(quiet, "find_late_days") == []

    late = {**storage_rows()[0], "event_id": "late-event-1", "anonymous_id": "late-visitor"}
    late["event_ts"] = datetime.fromisoformat(f"{DAY}T15:00:00+00:00")
    late["received_at"] = datetime.now(UTC)
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_pylist([late], schema=arrow_schema()), buffer, compression="zstd")
    s3.put_object(Bucket=lake, Key=f"events/dt={DAY}/hour=15/late-part.parquet", Body=buffer.getvalue())

    rerun = dag.test(logical_date=an_hour_later + timedelta(hours=1))
    assert rerun.state == "success"
    assert [d["day"] for d in xcom_return_value(rerun, "find_late_days")] == [DAY]
    after = read_sessions(s3, lake, DAY)
    assert after.num_rows == before.num_rows + 1
    assert "late-visitor" in after.column("anonymous_id").to_pylist()
    outputs = {
        prefix: parquet_bytes(s3, lake, prefix)
        for prefix in (f"sessions/dt={DAY}/", f"daily_metrics/dt={DAY}/")
    }

    again = dag.test(logical_date=an_hour_later + timedelta(hours=2))
    assert again.state == "success"
    assert xcom_return_value(again, "find_late_days") == []
    for prefix, files in outputs.items():
        assert parquet_bytes(s3, lake, prefix) == files, prefix


def test_dag_test_fails_when_the_day_has_no_events(monkeypatch: pytest.MonkeyPatch, airflow_db, lake):
    run_env(monkeypatch, lake)
    dag = load_dagbag().dags["shop_daily_batch"]

    dag_run = dag.test(logical_date=datetime(2026, 1, 2, tzinfo=UTC))

    assert dag_run.state == "failed"
    states = {ti.task_id: ti.state for ti in dag_run.get_task_instances()}
    assert states["wait_for_complete_window"] == "failed"
    assert {state for task, state in states.items() if task != "wait_for_complete_window"} == {
        "upstream_failed"
    }
