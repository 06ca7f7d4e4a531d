"""What the streaming jobs share around their queries: the state store, and a progress log for operators and benches."""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping, Sequence
from typing import Any

from pyspark.sql import SparkSession


def add_raw_topic_arguments(parser: argparse.ArgumentParser) -> None:
    """Where a Kafka-fed stream reads: --brokers, --topic (the raw events) and --starting-offsets."""
    parser.add_argument("--brokers", required=True, help="Kafka bootstrap servers, host:port[,…]")
    parser.add_argument("--topic", default="events.raw", help="the raw events topic (default events.raw)")
    parser.add_argument("--starting-offsets", default="latest", choices=("earliest", "latest"), help="first run only")


def add_stream_arguments(parser: argparse.ArgumentParser, trigger_seconds: float, trigger_help: str) -> None:
    """--checkpoint, --progress-log, and when batches run: every --trigger-seconds, or --available-now (drain
    and stop)."""
    parser.add_argument("--checkpoint", required=True, help="the query's checkpoint folder (keep it across restarts)")
    parser.add_argument(
        "--progress-log",
        default=None,
        help="append each micro-batch's progress (rows, rates, durations) here as a JSON line (local runs, benchmarks)",
    )
    when = parser.add_mutually_exclusive_group()
    when.add_argument("--trigger-seconds", type=float, default=trigger_seconds, help=trigger_help)
    when.add_argument("--available-now", action="store_true", help="read what there is now, then stop")


def trigger_of(args: argparse.Namespace) -> dict[str, Any]:
    """The DataStreamWriter.trigger keywords add_stream_arguments' flags ask for."""
    return {"availableNow": True} if args.available_now else {"processingTime": f"{args.trigger_seconds} seconds"}


def run_until_stopped(query: Any, args: argparse.Namespace) -> int:
    """Follows the query (progress log if asked) until it stops; returns how many batches it reported."""
    if args.progress_log:
        follow_progress(query, args.progress_log)
    query.awaitTermination()
    return len(query.recentProgress)


def use_rocksdb_state(spark: SparkSession) -> None:
    """RocksDB for the query's state, with changelog checkpoints. Set before the query starts; the provider is
    recorded in the checkpoint, so changing it later needs a new checkpoint."""
    spark.conf.set(
        "spark.sql.streaming.stateStore.providerClass",
        "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider",
    )
    # Each batch commits the state's changes (a changelog) instead of a RocksDB snapshot: cheaper per micro-batch;
    # snapshots are still taken in the background.
    spark.conf.set("spark.sql.streaming.stateStore.rocksdb.changelogCheckpointing.enabled", "true")


def progress_line(progress: Mapping[str, Any]) -> dict[str, Any]:
    """What a benchmark or an operator needs of one StreamingQueryProgress (its JSON form)."""
    return {
        "batchId": progress.get("batchId"),
        "timestamp": progress.get("timestamp"),
        "numInputRows": progress.get("numInputRows"),
        "inputRowsPerSecond": progress.get("inputRowsPerSecond"),
        "processedRowsPerSecond": progress.get("processedRowsPerSecond"),
        "triggerExecutionMs": (progress.get("durationMs") or {}).get("triggerExecution"),
        "durationMs": progress.get("durationMs") or {},
        "watermark": (progress.get("eventTime") or {}).get("watermark"),
        "stateRows": sum(op.get("numRowsTotal", 0) for op in progress.get("stateOperators") or []),
        # Where the batch read up to, by topic and partition (Kafka's offsets): compared with the topic's end,
        # what is left to score.
        "endOffsets": _end_offsets(progress.get("sources") or []),
    }


def _end_offsets(sources: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, int]]:
    offsets: dict[str, dict[str, int]] = {}
    for source in sources:
        end = source.get("endOffset")
        if isinstance(end, str):
            try:
                end = json.loads(end)
            except ValueError:
                continue
        if isinstance(end, Mapping):
            for topic, partitions in end.items():
                if isinstance(partitions, Mapping):
                    offsets.setdefault(topic, {}).update({str(p): int(o) for p, o in partitions.items()})
    return offsets


def follow_progress(query: Any, path: str, poll_seconds: float = 1.0) -> None:
    """Appends every new batch's progress to `path` until the query stops (query.recentProgress holds only the
    last 100 batches, so it is read as it goes)."""
    last = -1
    with open(path, "a", encoding="utf-8") as out:
        while query.isActive:
            query.awaitTermination(poll_seconds)
            for progress in query.recentProgress:
                line = progress_line(json.loads(progress.json))
                if line["batchId"] is not None and line["batchId"] > last:
                    last = line["batchId"]
                    out.write(json.dumps(line, sort_keys=True) + "\n")
            out.flush()
