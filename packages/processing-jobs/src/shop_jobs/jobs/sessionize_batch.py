"""Batch sessionization of one UTC day of events into the sessions table.

    python -m shop_jobs.jobs.sessionize_batch --events-path s3a://B/events --sessions-path s3a://B/sessions \
        --date 2026-11-27 [--gap-minutes 30] [--lookahead-hours 2] [--schema-dir DIR]

Writes the sessions that start on --date to <sessions-path>/dt=<date>/, replacing only that partition, so a
re-run (e.g. after late events or the next day's first hours have landed) is idempotent. Which events are
read is explained in shop_jobs.lake.DayWindow. Prints one JSON line: {"date", "sessions", "events"}.
Exit codes: 0 done, 2 bad arguments, 3 the day's input partition does not exist.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from shop_jobs.jobs.entrypoint import bounded_int, run_job
from shop_jobs.lake import DayWindow, known_visitors, overwrite_partition, read_day_events
from shop_jobs.schema import EVENTS_TABLE, add_schema_dir_argument, load_event_schema
from shop_jobs.transforms.sessions import DEFAULT_GAP_MINUTES, sessionize

DEFAULT_LOOKAHEAD_HOURS = 2
# The stdout line callers (Airflow, Databricks run output) parse; a JSON Schema so they can validate it.
SUMMARY_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "date": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        "sessions": {"type": "integer", "minimum": 0, "description": "sessions written for the date"},
        "events": {"type": "integer", "minimum": 0, "description": "distinct events in those sessions"},
    },
    "required": ["date", "sessions", "events"],
    "additionalProperties": False,
}


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="sessionize_batch", description=__doc__.split("\n\n")[0])
    parser.add_argument("--events-path", required=True, help="root of the events table, e.g. s3a://B/events")
    parser.add_argument("--sessions-path", required=True, help="root of the sessions table")
    parser.add_argument(
        "--users-path",
        default=None,
        help="root of the users table, for is_new_visitor (default: users next to the sessions table)",
    )
    parser.add_argument("--date", required=True, type=date.fromisoformat, help="UTC day, YYYY-MM-DD")
    parser.add_argument(
        "--gap-minutes",
        type=bounded_int(1, 24 * 60),
        default=DEFAULT_GAP_MINUTES,
        help=f"inactivity that ends a session (default {DEFAULT_GAP_MINUTES})",
    )
    parser.add_argument(
        "--lookahead-hours",
        type=bounded_int(0, 24),
        default=DEFAULT_LOOKAHEAD_HOURS,
        help=f"hours of the next day read to finish late sessions (default {DEFAULT_LOOKAHEAD_HOURS})",
    )
    add_schema_dir_argument(parser, EVENTS_TABLE)
    return parser.parse_args(argv)


def sessions_for_day(
    events: DataFrame, day: date, gap_minutes: int, known_visitors: DataFrame | None = None
) -> DataFrame:
    """Sessions that start on day; the window's other sessions are another day's to write."""
    return sessionize(events, gap_minutes, known_visitors).where(F.col("dt") == day.isoformat())


def run(spark: SparkSession, args: argparse.Namespace) -> dict[str, object]:
    schema = load_event_schema(args.schema_dir)
    window = DayWindow.for_day(args.date, args.gap_minutes, args.lookahead_hours)
    events = read_day_events(spark, args.events_path, window, schema)
    # One file per day (a day's sessions are small next to its events); cached because it is both
    # counted and written.
    known = known_visitors(spark, args.users_path, args.sessions_path, [args.date], args.schema_dir)
    sessions = sessions_for_day(events, args.date, args.gap_minutes, known).cache()
    try:
        stats = sessions.agg(F.count(F.lit(1)).alias("sessions"), F.sum("event_count").alias("events")).first()
        # One file per day (a day's sessions are small next to its events).
        overwrite_partition(sessions, args.sessions_path, args.date)
    finally:
        sessions.unpersist()
    return {"date": args.date.isoformat(), "sessions": stats["sessions"], "events": stats["events"] or 0}


def main(argv: Sequence[str] | None = None) -> int:
    return run_job("sessionize_batch", argv, parse_args, run)


if __name__ == "__main__":
    sys.exit(main())
