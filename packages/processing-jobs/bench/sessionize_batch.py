"""Batch sessionization throughput on generated events, beside a baseline in the same run.

    ../../.tools/uv/bin/uv run python bench/sessionize_batch.py [--events 1000000,10000000] [--rounds 2]

For each size, a day of events is generated once (Spark, local filesystem, the sink's layout and the contract's
schema; cached under --dir) shaped like a shop's traffic: 25 events per visitor within 40 minutes (one or two
sessions), 1% of events delivered twice. Then, interleaved per round (this machine's speed drifts):
- baseline: the job's read of the day's window, every column decoded and counted (what any job over the rows pays);
- sessionize: the batch job's whole work for the day (read, dedupe, sessions, write the partition).
Prints events/s of each and their ratio. local[2], 4 GB driver.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import time
from datetime import date
from pathlib import Path

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from shop_jobs.jobs.sessionize_batch import sessions_for_day
from shop_jobs.lake import DayWindow, overwrite_partition, read_day_events, write_events
from shop_jobs.schema import load_event_schema
from shop_jobs.spark_session import get_spark

DAY = date(2026, 11, 28)
GAP = 30
LOOKAHEAD = 2


def generate(spark: SparkSession, root: Path, events: int) -> None:
    """`events` events over DAY (plus the copies), written as the sink lays them out."""
    if (root / "_SUCCESS").exists():
        return
    shutil.rmtree(root, ignore_errors=True)
    schema = load_event_schema().data
    visitors = max(events // 25, 1)
    seed = F.xxhash64("id")
    day_start = int(time.mktime(DAY.timetuple()))
    base = spark.range(events).select(
        F.col("id"),
        (F.abs(seed) % visitors).alias("visitor"),
        # A visitor's events fall within 40 minutes of its own start: one or two sessions each.
        (
            (F.abs(F.xxhash64(F.abs(seed) % visitors, F.lit(3))) % 84_000_000)
            + F.abs(F.xxhash64(F.col("id"), F.lit(7))) % 2_400_000
        ).alias("offset_ms"),
        (F.abs(F.xxhash64(F.col("id"), F.lit(11))) % 100).alias("dice"),
    )
    kinds = F.when(F.col("dice") < 40, F.lit("page")).otherwise(F.lit("track"))
    names = (
        F.when(F.col("dice") < 40, F.lit("Home"))
        .when(F.col("dice") < 75, F.lit("Product Viewed"))
        .when(F.col("dice") < 88, F.lit("Product Added"))
        .when(F.col("dice") < 95, F.lit("Checkout Started"))
        .otherwise(F.lit("Order Completed"))
    )
    ts = F.timestamp_millis(F.lit(day_start * 1000) + F.col("offset_ms"))
    values = {
        "event_id": F.sha2(F.col("id").cast("string"), 256).substr(1, 32),
        "event_type": kinds,
        "event_name": names,
        "anonymous_id": F.concat(F.lit("anon-"), F.col("visitor").cast("string")),
        "session_id": F.concat(F.lit("s-"), F.col("visitor").cast("string")),
        "event_ts": ts,
        "received_at": ts + F.expr("INTERVAL 2 SECONDS"),
        "page_path": F.concat(F.lit("/p/"), (F.col("dice") % 20).cast("string")),
        "page_url": F.lit("https://shop.example/p"),
        "page_referrer": F.when(F.col("dice") % 7 == 0, F.lit("https://www.google.com/")),
        "utm_source": F.when(F.col("dice") % 11 == 0, F.lit("news")),
        "utm_medium": F.when(F.col("dice") % 11 == 0, F.lit("email")),
        "ua_browser": F.lit("Chrome"),
        "ua_device_type": F.when(F.col("visitor") % 3 == 0, F.lit("mobile")).otherwise(F.lit("desktop")),
        "geo_country": F.lit("PT"),
        "product_id": F.concat(F.lit("sku-"), (F.col("id") % 500).cast("string")),
        "revenue": F.when(F.col("dice") >= 95, (F.col("dice") * 1.5)),
        "currency": F.lit("EUR"),
        "schema_version": F.lit(2),
    }
    columns = [(values.get(f.name, F.lit(None))).cast(f.dataType).alias(f.name) for f in schema.fields]
    rows = base.select(*columns)
    copies = rows.where(F.abs(F.xxhash64("event_id")) % 100 == 0).withColumn(
        "received_at", F.col("received_at") + F.expr("INTERVAL 40 SECONDS")
    )
    from shop_jobs.lake import add_partition_columns

    write_events(add_partition_columns(rows.unionByName(copies)), str(root))
    (root / "_SUCCESS").touch()


def read_and_decode(spark: SparkSession, root: Path, window: DayWindow) -> int:
    """The baseline: the job's read of the window, every column decoded (the largest hash of a row), counted.

    A bare count() would read only the Parquet footers' row counts, which no job over the rows can match.
    """
    events = read_day_events(spark, str(root), window, load_event_schema())
    row = events.agg(F.count(F.lit(1)).alias("n"), F.max(F.xxhash64(*events.columns)).alias("h")).first()
    return int(row["n"])


def sessionize(spark: SparkSession, root: Path, out: Path, window: DayWindow) -> int:
    """The batch job's work for DAY: read the window, sessionize, write the partition; returns the sessions."""
    events = read_day_events(spark, str(root), window, load_event_schema())
    sessions = sessions_for_day(events, DAY, GAP).cache()
    overwrite_partition(sessions, str(out / "sessions"), DAY)
    count = sessions.count()
    sessions.unpersist()
    return count


def timed(action) -> tuple[float, int]:
    started = time.perf_counter()
    count = action()
    return time.perf_counter() - started, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", default="1000000,10000000")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--dir", default=str(Path(__file__).resolve().parents[3] / ".stack" / "bench" / "sessionize"))
    args = parser.parse_args()
    spark = get_spark("bench-sessionize", master="local[2]", conf={"spark.driver.memory": "4g"})
    spark.sparkContext.setLogLevel("ERROR")
    window = DayWindow.for_day(DAY, GAP, LOOKAHEAD)
    print(f"{'events':>10} {'round':>5} {'baseline ev/s':>14} {'sessionize ev/s':>16} {'ratio':>6} {'sessions':>9}")
    for size in (int(n) for n in args.events.split(",")):
        root = Path(args.dir) / f"events-{size}"
        generate(spark, root, size)
        out = Path(args.dir) / "out"
        rates = {"baseline": [], "sessionize": []}
        for round_no in range(1, args.rounds + 1):
            base_s, rows = timed(lambda: read_and_decode(spark, root, window))  # noqa: B023
            sess_s, sessions = timed(lambda: sessionize(spark, root, out, window))  # noqa: B023
            rates["baseline"].append(rows / base_s)
            rates["sessionize"].append(rows / sess_s)
            print(
                f"{size:>10} {round_no:>5} {rows / base_s:>14,.0f} {rows / sess_s:>16,.0f} "
                f"{base_s / sess_s:>6.2f} {sessions:>9,}",
                flush=True,
            )
        b, s = statistics.median(rates["baseline"]), statistics.median(rates["sessionize"])
        print(f"{size:>10} {'med':>5} {b:>14,.0f} {s:>16,.0f} {s / b:>6.2f}", flush=True)
    spark.stop()


if __name__ == "__main__":
    main()
