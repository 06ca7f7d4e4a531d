"""Daily KPIs of one UTC day from the sessions table.

    python -m shop_jobs.jobs.daily_metrics --sessions-path s3a://B/sessions --metrics-path s3a://B/daily_metrics \
        --date 2026-11-27 [--schema-dir DIR]

Runs after sessionize_batch for the same date. Replaces only <metrics-path>/dt=<date>/ (idempotent).
Prints one JSON line: {"date", "sessions", "orders", "revenue"}.
Exit codes: 0 done, 2 bad arguments, 3 the day's sessions partition does not exist.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from shop_jobs.jobs.entrypoint import run_job
from shop_jobs.lake import InputPartitionMissingError, overwrite_partition, partition_path, path_exists
from shop_jobs.schema import SESSIONS_TABLE, add_schema_dir_argument, load_sessions_schema
from shop_jobs.transforms.daily_metrics import daily_metrics


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="daily_metrics", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions-path", required=True, help="root of the sessions table")
    parser.add_argument("--metrics-path", required=True, help="root of the daily metrics table")
    parser.add_argument("--date", required=True, type=date.fromisoformat, help="UTC day, YYYY-MM-DD")
    add_schema_dir_argument(parser, SESSIONS_TABLE)
    return parser.parse_args(argv)


def run(spark: SparkSession, args: argparse.Namespace) -> dict[str, object]:
    schema = load_sessions_schema(args.schema_dir)
    day_path = partition_path(args.sessions_path, args.date)
    if not path_exists(spark, day_path):
        raise InputPartitionMissingError(f"input partition {day_path} does not exist")
    # Read with the table's schema so dt stays a string (partition inference would make it a date).
    sessions = (
        spark.read.schema(schema.full)
        .option("basePath", args.sessions_path.rstrip("/"))
        .parquet(day_path)
        .where(F.col("dt") == args.date.isoformat())
    )
    metrics = daily_metrics(sessions).cache()
    try:
        row = metrics.select("sessions", "orders", "revenue").first()
        overwrite_partition(metrics, args.metrics_path, args.date)
    finally:
        metrics.unpersist()
    # A day whose sessionization found no sessions has an empty partition: no KPI row, zeros in the summary.
    figures = row.asDict() if row is not None else {"sessions": 0, "orders": 0, "revenue": 0.0}
    return {"date": args.date.isoformat(), **figures}


def main(argv: Sequence[str] | None = None) -> int:
    return run_job("daily_metrics", argv, parse_args, run)


if __name__ == "__main__":
    sys.exit(main())
