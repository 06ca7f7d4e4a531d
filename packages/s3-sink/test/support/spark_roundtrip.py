"""Reads Parquet with Spark, typed by generated StructType files, and prints what it saw as JSON.

Run with the processing-jobs environment (uv run --project packages/processing-jobs python this.py
'<reads as JSON>'): each read is {"path", "schemaDir", "columns"}; its files are read with the events
schema generated into schemaDir (shop_jobs.schema.load_event_schema, as the jobs read the lake), and
event_id plus the named columns come back per row, timestamps as epoch milliseconds. One Spark session
serves every read.
"""

import json
import sys

from pyspark.sql import functions as F
from pyspark.sql.types import TimestampType
from shop_jobs.schema import load_event_schema
from shop_jobs.spark_session import get_spark


def main(reads: list[dict]) -> None:
    spark = get_spark("s3-sink-roundtrip-check", master="local[1]", conf={"spark.sql.shuffle.partitions": "1"})
    results = []
    for read in reads:
        schema = load_event_schema(read["schemaDir"])
        frame = spark.read.schema(schema.data).parquet(read["path"])
        fields = {f.name: f.dataType.simpleString() for f in frame.schema.fields}
        selected = [
            F.unix_millis(F.col(c)).alias(c) if isinstance(frame.schema[c].dataType, TimestampType) else F.col(c)
            for c in ["event_id", *read["columns"]]
        ]
        rows = [r.asDict() for r in frame.select(*selected).orderBy("event_id").collect()]
        results.append({"fields": fields, "rows": rows})
    print(json.dumps(results))
    spark.stop()


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
