"""Reads Parquet with Spark, typed by generated StructType files, and prints what it saw as JSON.

Run with the processing-jobs environment (uv run --project packages/processing-jobs python this.py
<file> <schema dir> [<column> ...]): the file is read with the events schema generated into <schema dir>
(shop_jobs.schema.load_event_schema, as the jobs read the lake), and the named columns come back per row,
timestamps as epoch milliseconds.
"""

import json
import sys

from pyspark.sql import functions as F
from pyspark.sql.types import TimestampType
from shop_jobs.schema import load_event_schema
from shop_jobs.spark_session import get_spark


def main(path: str, schema_dir: str, columns: list[str]) -> None:
    spark = get_spark("s3-sink-roundtrip-check", master="local[1]", conf={"spark.sql.shuffle.partitions": "1"})
    schema = load_event_schema(schema_dir)
    frame = spark.read.schema(schema.data).parquet(path)
    fields = {f.name: f.dataType.simpleString() for f in frame.schema.fields}
    selected = [
        F.unix_millis(F.col(c)).alias(c) if isinstance(frame.schema[c].dataType, TimestampType) else F.col(c)
        for c in ["event_id", *columns]
    ]
    rows = [r.asDict() for r in frame.select(*selected).orderBy("event_id").collect()]
    print(json.dumps({"fields": fields, "rows": rows}))
    spark.stop()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
