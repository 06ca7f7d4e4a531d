"""Rebuilds the users table from the whole sessions table.

    python -m shop_jobs.jobs.build_users --sessions-path s3a://B/sessions --users-path s3a://B/users [--schema-dir DIR]

See shop_jobs.transforms.users for identity stitching. The whole table is replaced (partitioned by the day each
person was first seen), so a run is idempotent and picks up every re-sessionized day. Prints one JSON line:
{"users", "identified", "sessions"}. Exit codes: 0 done, 2 bad arguments, 3 there is no sessions table yet.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from shop_jobs.jobs.entrypoint import run_job
from shop_jobs.lake import InputPartitionMissingError, path_exists
from shop_jobs.schema import (
    SESSIONS_TABLE,
    USERS_TABLE,
    add_schema_dir_argument,
    load_sessions_schema,
    load_table_schema,
)
from shop_jobs.transforms.users import build_users


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="build_users", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions-path", required=True, help="root of the sessions table")
    parser.add_argument("--users-path", required=True, help="root of the users table")
    add_schema_dir_argument(parser, SESSIONS_TABLE)
    return parser.parse_args(argv)


def run(spark: SparkSession, args: argparse.Namespace) -> dict[str, Any]:
    if not path_exists(spark, args.sessions_path):
        raise InputPartitionMissingError(f"input table {args.sessions_path} does not exist")
    sessions = spark.read.schema(load_sessions_schema(args.schema_dir).full).parquet(args.sessions_path)
    columns = load_table_schema(USERS_TABLE, args.schema_dir).full.fieldNames()
    users = build_users(sessions).select(*columns).cache()
    try:
        stats = users.agg(
            F.count(F.lit(1)).alias("users"),
            F.count("user_id").alias("identified"),
            F.coalesce(F.sum("sessions"), F.lit(0)).alias("sessions"),
        ).first()
        # A full rebuild: every partition is replaced, including the days whose people moved to an earlier one.
        users.repartition("dt").write.mode("overwrite").partitionBy("dt").parquet(args.users_path)
    finally:
        users.unpersist()
    return {"users": stats["users"], "identified": stats["identified"], "sessions": int(stats["sessions"])}


def main(argv: Sequence[str] | None = None) -> int:
    return run_job("build_users", argv, parse_args, run)


if __name__ == "__main__":
    sys.exit(main())
