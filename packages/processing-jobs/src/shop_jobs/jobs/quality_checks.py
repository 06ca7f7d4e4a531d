"""Data-quality checks of one UTC day: the events partition the sink wrote and the day's sessions.

    python -m shop_jobs.jobs.quality_checks --events-path s3a://B/events --sessions-path s3a://B/sessions \\
        --date 2026-11-27 [--max-duplicate-share 0.05] [--max-late-share 0.2] [--late-after-seconds 3600] \\
        [--min-events 1] [--schema-dir DIR]

Prints one JSON line: {"date", "passed", "failed": [sentences], "figures": {...}, "limits": {...}}
(shop_jobs.transforms.quality). Exit codes: 0 every check passed, 2 bad arguments, 3 the day's events partition
does not exist, 4 a check failed (the line says which, with the numbers).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date
from typing import Any

from pyspark.sql import SparkSession

from shop_jobs.jobs.entrypoint import bounded_int, run_job
from shop_jobs.lake import InputPartitionMissingError, partition_path, path_exists, read_partitions
from shop_jobs.schema import EVENTS_TABLE, add_schema_dir_argument, load_event_schema, load_sessions_schema
from shop_jobs.transforms.quality import QualityLimits, day_figures, failed_checks, limits_dict

EXIT_CHECK_FAILED = 4


def _share(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {value}")
    return value


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    defaults = QualityLimits()
    parser = argparse.ArgumentParser(prog="quality_checks", description=__doc__.split("\n\n")[0])
    parser.add_argument("--events-path", required=True, help="root of the events table")
    parser.add_argument("--sessions-path", required=True, help="root of the sessions table")
    parser.add_argument("--date", required=True, type=date.fromisoformat, help="UTC day, YYYY-MM-DD")
    parser.add_argument("--min-events", type=bounded_int(0, 10**12), default=defaults.min_events)
    parser.add_argument("--max-duplicate-share", type=_share, default=defaults.max_duplicate_share)
    parser.add_argument("--max-late-share", type=_share, default=defaults.max_late_share)
    parser.add_argument("--late-after-seconds", type=bounded_int(1, 7 * 86400), default=defaults.late_after_seconds)
    add_schema_dir_argument(parser, EVENTS_TABLE)
    return parser.parse_args(argv)


class QualityCheckFailedError(RuntimeError):
    def __init__(self, summary: dict[str, Any]) -> None:
        super().__init__("; ".join(summary["failed"]))
        self.summary = summary


def run(spark: SparkSession, args: argparse.Namespace) -> dict[str, Any]:
    day_path = partition_path(args.events_path, args.date)
    if not path_exists(spark, day_path):
        raise InputPartitionMissingError(f"input partition {day_path} does not exist")
    schema = load_event_schema(args.schema_dir)
    events = spark.read.schema(schema.full).option("basePath", args.events_path.rstrip("/")).parquet(day_path)
    sessions = read_partitions(spark, args.sessions_path, load_sessions_schema(args.schema_dir), [args.date])
    limits = QualityLimits(
        min_events=args.min_events,
        max_duplicate_share=args.max_duplicate_share,
        max_late_share=args.max_late_share,
        late_after_seconds=args.late_after_seconds,
    )
    figures = day_figures(events, sessions, limits.late_after_seconds)
    failed = failed_checks(figures, limits)
    summary = {
        "date": args.date.isoformat(),
        "passed": not failed,
        "failed": failed,
        "figures": figures,
        "limits": limits_dict(limits),
    }
    if failed:
        raise QualityCheckFailedError(summary)
    return summary


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return run_job("quality_checks", argv, parse_args, run)
    except QualityCheckFailedError as err:
        # The summary still goes out on stdout, so the caller can show the figures next to the failure.
        print(json.dumps(err.summary, sort_keys=True), flush=True)
        print(f"quality_checks: failed: {err}", file=sys.stderr)
        return EXIT_CHECK_FAILED


if __name__ == "__main__":
    sys.exit(main())
