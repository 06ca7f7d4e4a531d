"""Spark's Kafka source and sink against the real local broker, and raw records read as storage rows.

jars/pom.xml pins the 4.2.0 connector (4.3.0's is not on Maven Central yet) under pyspark 4.3.0; this test
is what says the pair works: a batch write, a streaming read with the storage mapping, restart from the
checkpoint.
"""

from __future__ import annotations

import pytest
from pyspark.sql import functions as F
from support import STORAGE_COLLECTED

from shop_jobs.schema import load_storage_mapping
from shop_jobs.transforms.collected import STORAGE_OK
from shop_jobs.transforms.collected import storage_rows as to_storage_rows

pytestmark = pytest.mark.integration


def test_raw_records_stream_from_kafka_into_storage_rows_and_resume_from_the_checkpoint(
    spark, kafka, event_schema, storage_rows, tmp_path
):
    topic = kafka.topic(partitions=2)
    records = [line for line in STORAGE_COLLECTED.read_text(encoding="utf-8").splitlines() if line.strip()]
    write = lambda values: (  # noqa: E731 - a one-line helper
        spark.createDataFrame([(v,) for v in values], "value string")
        .write.format("kafka")
        .option("kafka.bootstrap.servers", kafka.brokers)
        .option("topic", topic)
        .save()
    )
    write([*records[:5], "not json"])
    mapping = load_storage_mapping()

    def drain() -> None:
        source = (
            spark.readStream.format("kafka")
            .option("kafka.bootstrap.servers", kafka.brokers)
            .option("subscribe", topic)
            .option("startingOffsets", "earliest")
            .load()
        )
        rows = to_storage_rows(source, mapping, event_schema.data, keep=("partition", "offset"))
        query = (
            rows.writeStream.format("parquet")
            .option("path", str(tmp_path / "rows"))
            .option("checkpointLocation", str(tmp_path / "checkpoint"))
            .trigger(availableNow=True)
            .start()
        )
        query.awaitTermination(180)
        assert query.exception() is None, query.exception()

    drain()
    write(records[5:])
    drain()  # resumes after what the first run committed: nothing twice, nothing lost

    read = spark.read.parquet(str(tmp_path / "rows"))
    assert read.where(~F.col(STORAGE_OK)).count() == 1  # the malformed record: marked, not fatal
    rows = read.where(F.col(STORAGE_OK)).select(*event_schema.data.fieldNames())
    expected = storage_rows.select(*event_schema.data.fieldNames())
    by_id = lambda frame: {r["event_id"]: r.asDict() for r in frame.collect()}  # noqa: E731
    assert rows.count() == len(records)
    assert by_id(rows) == by_id(expected)
