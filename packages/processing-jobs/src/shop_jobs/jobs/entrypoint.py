"""The shared shape of a job's command line: parse, run on the session, print one JSON summary line."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from pyspark.sql import SparkSession

from shop_jobs.lake import InputPartitionMissingError
from shop_jobs.spark_session import get_spark

# Airflow and the Databricks task tell "no input yet" (retry later) from a broken job by this code.
EXIT_INPUT_MISSING = 3


def bounded_int(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: an integer from low to high."""

    def parse(text: str) -> int:
        value = int(text)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be between {low} and {high}, got {value}")
        return value

    return parse


def run_job(
    name: str,
    argv: Sequence[str] | None,
    parse_args: Callable[[Sequence[str] | None], argparse.Namespace],
    run: Callable[[SparkSession, argparse.Namespace], dict[str, Any]],
) -> int:
    args = parse_args(argv)
    spark = get_spark(name)
    try:
        summary = run(spark, args)
    except InputPartitionMissingError as err:
        print(f"{name}: {err}", file=sys.stderr)
        return EXIT_INPUT_MISSING
    print(json.dumps(summary, sort_keys=True), flush=True)
    return 0
