"""Live behaviour metrics: the raw events topic in, per-minute figures out (metrics topic and table), until stopped.

    python -m shop_jobs.jobs.live_metrics --brokers 127.0.0.1:19092 --metrics-path s3a://B/live_metrics \\
        --checkpoint s3a://B/_checkpoints/live_metrics [--topic events.raw] [--metrics-topic metrics.live] \\
        [--watermark "2 minutes"] [--trigger-seconds 5 | --available-now] [--starting-offsets latest]

See shop_jobs.streaming.live_metrics for the figures and the watermark. Prints one JSON line when it stops:
{"batches", "records", "malformed"}. Exit codes: 0 done, 2 bad arguments.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from pyspark.sql import SparkSession

from shop_jobs.jobs.entrypoint import run_job
from shop_jobs.jobs.progress import (
    add_raw_topic_arguments,
    add_stream_arguments,
    run_until_stopped,
    trigger_of,
    use_rocksdb_state,
)
from shop_jobs.schema import (
    EVENTS_TABLE,
    LIVE_METRICS_TABLE,
    add_schema_dir_argument,
    load_event_schema,
    load_storage_mapping,
    load_table_schema,
)
from shop_jobs.streaming.fraud_scoring import observed_totals
from shop_jobs.streaming.live_metrics import DEFAULT_WATERMARK, LiveMetricsSettings, MetricsSink, start_live_metrics


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="live_metrics", description=__doc__.split("\n\n")[0])
    add_raw_topic_arguments(parser)
    parser.add_argument("--metrics-topic", default="metrics.live", help="where figures go (default metrics.live)")
    parser.add_argument("--metrics-path", required=True, help="root of the live_metrics table")
    parser.add_argument("--watermark", default=DEFAULT_WATERMARK, help="how long a minute stays open to late events")
    add_stream_arguments(parser, 5.0, "micro-batch interval (default 5)")
    add_schema_dir_argument(parser, EVENTS_TABLE)
    return parser.parse_args(argv)


def run(spark: SparkSession, args: argparse.Namespace) -> dict[str, Any]:
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    use_rocksdb_state(spark)
    sink = MetricsSink(
        brokers=args.brokers,
        topic=args.metrics_topic,
        table_path=args.metrics_path,
        table=load_table_schema(LIVE_METRICS_TABLE, args.schema_dir),
    )
    settings = LiveMetricsSettings(
        brokers=args.brokers,
        topic=args.topic,
        checkpoint=args.checkpoint,
        sink=sink,
        watermark=args.watermark,
        starting_offsets=args.starting_offsets,
    )
    schema = load_event_schema(args.schema_dir).data
    query = start_live_metrics(spark, settings, load_storage_mapping(args.schema_dir), schema, trigger_of(args))
    return {"batches": run_until_stopped(query, args), **observed_totals(query.recentProgress)}


def main(argv: Sequence[str] | None = None) -> int:
    return run_job("live_metrics", argv, parse_args, run)


if __name__ == "__main__":
    sys.exit(main())
