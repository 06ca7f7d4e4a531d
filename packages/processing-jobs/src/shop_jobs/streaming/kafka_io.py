"""Kafka for the streams: the raw events topic as storage rows (what every stream reads), JSON records out."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import StructType

from shop_jobs.transforms.collected import STORAGE_OK, storage_rows


def raw_events(spark: SparkSession, brokers: str, topic: str, options: Mapping[str, str]) -> DataFrame:
    """The raw events topic as a stream of Kafka records."""
    reader = spark.readStream.format("kafka").option("kafka.bootstrap.servers", brokers).option("subscribe", topic)
    for name, value in options.items():
        reader = reader.option(name, value)
    return reader.load()


def scoring_rows(raw: DataFrame, mapping: Sequence[Mapping[str, Any]], schema: StructType) -> DataFrame:
    """Raw records -> valid storage rows, counting the rest in the observed metric `malformed` (step 1)."""
    rows = storage_rows(raw, mapping, schema)
    observed = rows.observe(
        "records", F.count(F.lit(1)).alias("records"), F.count_if(~F.col(STORAGE_OK)).alias("malformed")
    )
    return observed.where(F.col(STORAGE_OK))


def publish_json(
    spark: SparkSession, brokers: str, topic: str, records: Iterable[tuple[str, Mapping[str, Any]]]
) -> None:
    """Writes (key, record) pairs to a topic, each record as compact JSON (a batch write: acked when it returns)."""
    rows = [(key, json.dumps(record, separators=(",", ":"))) for key, record in records]
    if not rows:
        return
    messages = spark.createDataFrame(rows, "key string, value string")
    messages.write.format("kafka").option("kafka.bootstrap.servers", brokers).option("topic", topic).save()
