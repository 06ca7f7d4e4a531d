"""Sessions within minutes: the lake's event files in, closed sessions appended to the sessions table, until stopped.

    python -m shop_jobs.jobs.sessions_stream --events-path s3a://B/events --sessions-path s3a://B/sessions \\
        --checkpoint s3a://B/_checkpoints/sessions [--users-path s3a://B/users] [--gap-minutes 30] \\
        [--lookahead-hours 2] [--watermark "3 minutes"] [--source files|autoloader] \\
        [--trigger-seconds 30 | --available-now] [--progress-log FILE]

See shop_jobs.streaming.sessions for the rule. Runs micro-batches every --trigger-seconds until killed; a restart
resumes from the checkpoint. --available-now reads the files there are and stops. On a lake without event files yet
the job waits for the first (--available-now: exits 3, no input yet). Prints one JSON line when it stops:
{"batches"}. Exit codes: 0 done, 2 bad arguments, 3 no event files yet (--available-now).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

from pyspark.sql import SparkSession

from shop_jobs.jobs.entrypoint import bounded_int, run_job
from shop_jobs.jobs.progress import add_stream_arguments, run_until_stopped, trigger_of, use_rocksdb_state
from shop_jobs.lake import InputPartitionMissingError, path_exists
from shop_jobs.schema import EVENTS_TABLE, add_schema_dir_argument
from shop_jobs.spark_session import on_databricks
from shop_jobs.streaming.sessions import SessionRule, SessionsSink, SessionsStreamSettings, start_sessions
from shop_jobs.transforms.sessions import DEFAULT_GAP_MINUTES

DEFAULT_LOOKAHEAD_HOURS = 2
# The sink's files of an event reach the lake within about a minute (the SDK's 5 s flush, the collector, Kafka,
# the MSK trigger's batching window of up to 60 s); 3 minutes leaves room for a retry. A session is emitted this
# long after its gap closes; events later than that wait for the batch run of their day.
DEFAULT_WATERMARK = "3 minutes"
# A new lake has no events folder until the sink writes its first file, and Spark's file source (Auto Loader too)
# refuses to start on a missing path. The job waits for it instead of failing; stream.sh counts this line, which
# the job prints once, as started (a query with nothing to read yet).
WAITING_FOR_EVENTS = "waiting for the lake's first event files"
EVENTS_POLL_SECONDS = 5.0


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="sessions_stream", description=__doc__.split("\n\n")[0])
    parser.add_argument("--events-path", required=True, help="root of the events table, e.g. s3a://B/events")
    parser.add_argument("--sessions-path", required=True, help="root of the sessions table")
    parser.add_argument("--users-path", default=None, help="root of the users table (default: next to sessions)")
    parser.add_argument("--gap-minutes", type=bounded_int(1, 24 * 60), default=DEFAULT_GAP_MINUTES)
    parser.add_argument(
        "--lookahead-hours",
        type=bounded_int(0, 24),
        default=DEFAULT_LOOKAHEAD_HOURS,
        help="as the batch job's: a session is cut this far into the next day",
    )
    parser.add_argument("--watermark", default=DEFAULT_WATERMARK, help="how late an event may land and still count")
    parser.add_argument(
        "--source",
        choices=("files", "autoloader"),
        default=None,
        help="how new files are found (default: autoloader on Databricks, else Spark's file source)",
    )
    parser.add_argument("--max-files-per-trigger", type=bounded_int(1, 1_000_000), default=None)
    add_stream_arguments(parser, 30.0, "micro-batch interval (default 30)")
    add_schema_dir_argument(parser, EVENTS_TABLE)
    return parser.parse_args(argv)


def await_events(
    exists: Callable[[], bool],
    where: str,
    sleep: Callable[[float], None] = time.sleep,
    poll_seconds: float = EVENTS_POLL_SECONDS,
) -> float:
    """Returns once `exists()` holds, checking every poll_seconds; says once on stderr that it waits. Returns the
    seconds slept."""
    waited = 0.0
    if exists():
        return waited
    print(f"sessions_stream: {WAITING_FOR_EVENTS} under {where}", file=sys.stderr, flush=True)
    while not exists():
        sleep(poll_seconds)
        waited += poll_seconds
    return waited


def run(spark: SparkSession, args: argparse.Namespace) -> dict[str, Any]:
    def events_exist() -> bool:
        return path_exists(spark, args.events_path)

    if not args.available_now:
        await_events(events_exist, args.events_path)
    elif not events_exist():
        # Nothing to read now: the schedulers' "no input yet, retry later" (exit 3), not an empty success.
        raise InputPartitionMissingError(f"no event files under {args.events_path} yet")
    use_rocksdb_state(spark)
    settings = SessionsStreamSettings(
        events_path=args.events_path,
        checkpoint=args.checkpoint,
        sink=SessionsSink(args.sessions_path, args.users_path, args.schema_dir),
        rule=SessionRule(args.gap_minutes, args.lookahead_hours),
        watermark=args.watermark,
        source=args.source or ("autoloader" if on_databricks() else "files"),
        max_files_per_trigger=args.max_files_per_trigger,
    )
    query = start_sessions(spark, settings, trigger_of(args))
    return {"batches": run_until_stopped(query, args)}


def main(argv: Sequence[str] | None = None) -> int:
    return run_job("sessions_stream", argv, parse_args, run)


if __name__ == "__main__":
    sys.exit(main())
