"""Reads the sink's Parquet with Spark, as the processing jobs do, and prints what it saw as JSON.

Run with the processing-jobs environment (uv run --project packages/processing-jobs python this.py
<events root> <new column>): it uses that package's generated-schema loader and session builder, read
only. Two reads:
- with the generated events schema (what the jobs use), partition columns from the path;
- with mergeSchema, which must surface the new optional column, NULL in files written before it.
"""

import json
import sys

from pyspark.sql import functions as F
from shop_jobs.schema import load_event_schema
from shop_jobs.spark_session import get_spark


def main(root: str, new_column: str) -> None:
    spark = get_spark(
        "s3-sink-read-check",
        master="local[1]",
        conf={"spark.sql.shuffle.partitions": "1"},
    )
    schema = load_event_schema()
    typed = spark.read.schema(schema.full).option("basePath", root).parquet(root)
    merged = spark.read.option("mergeSchema", "true").parquet(root)
    fields = {f.name: f.dataType.simpleString() for f in typed.schema.fields}
    summary = typed.agg(
        F.count("*").alias("rows"),
        F.countDistinct("event_id").alias("distinct_ids"),
        F.sum("revenue").alias("revenue"),
        F.min("event_ts").cast("long").alias("min_event_ts_s"),
        F.collect_set("dt").alias("dts"),
        F.collect_set("hour").alias("hours"),
    ).first()
    by_file = (
        merged.groupBy(F.col(new_column).isNull().alias("null"))
        .agg(F.count("*").alias("rows"))
        .collect()
    )
    print(
        json.dumps(
            {
                "typedFields": fields,
                "rows": summary["rows"],
                "distinctIds": summary["distinct_ids"],
                "revenue": summary["revenue"],
                "minEventTsSeconds": summary["min_event_ts_s"],
                "dts": sorted(summary["dts"]),
                "hours": sorted(summary["hours"]),
                "mergedHasNewColumn": new_column in merged.columns,
                "newColumnNullRows": sum(r["rows"] for r in by_file if r["null"]),
                "newColumnValueRows": sum(r["rows"] for r in by_file if not r["null"]),
            }
        )
    )
    spark.stop()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
