"""Where a day's events live in the lake and how to read them.

The S3 sink lays events out Hive-style as dt=YYYY-MM-DD/hour=HH (UTC, the hour always two digits, as
Athena's partition projection expects with projection.hour.digits=2).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pyspark.errors import AnalysisException
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import StringType, StructField, StructType

from shop_jobs.schema import USERS_TABLE, TableSchema, load_sessions_schema, load_table_schema
from shop_jobs.transforms.users import visitors_from_sessions, visitors_from_users
from shop_jobs.transforms.utc import utc_date_string, utc_hour


class InputPartitionMissingError(FileNotFoundError):
    """The partition a job was asked to process is not in the lake."""


def partition_path(root: str, day: date, hour: int | None = None) -> str:
    path = f"{root.rstrip('/')}/dt={day.isoformat()}"
    return path if hour is None else f"{path}/hour={hour:02d}"


def add_partition_columns(events: DataFrame) -> DataFrame:
    """dt ('YYYY-MM-DD') and hour (0-23) of event_ts in UTC, as the S3 sink lays out the files."""
    ts = F.col("event_ts")
    return events.withColumn("dt", utc_date_string(ts)).withColumn("hour", utc_hour(ts))


def write_events(events: DataFrame, root: str, mode: str = "append") -> None:
    """Storage rows with dt/hour -> Parquet in the sink's layout (tests, backfills).

    Spark writes an integer partition value without padding (hour=5), so the directory value is
    rendered as a two-digit string; reading with the schema turns it back into an integer.
    """
    padded = events.withColumn("hour", F.lpad(F.col("hour").cast("string"), 2, "0"))
    padded.write.mode(mode).partitionBy("dt", "hour").parquet(root)


@dataclass(frozen=True)
class DayWindow:
    """The events one day's sessionization reads.

    The day's sessions are those that start on it (UTC). To tell whether the day's first events continue
    a session from the evening before, the window reaches back one gap before midnight: a session crosses
    midnight only if it has an event within one gap before it, so that much history decides every start
    exactly. To finish the day's late sessions it reaches lookahead_hours into the next day; a session
    still going on after that is cut there, and its later events belong to no day's sessions.
    """

    day: date
    start: datetime
    end: datetime

    @classmethod
    def for_day(cls, day: date, gap_minutes: int, lookahead_hours: int) -> DayWindow:
        midnight = datetime(day.year, day.month, day.day, tzinfo=UTC)
        return cls(
            day=day,
            start=midnight - timedelta(minutes=gap_minutes),
            end=midnight + timedelta(days=1, hours=lookahead_hours),
        )

    def hour_partitions(self) -> list[tuple[date, int | None]]:
        """(dt, hour) partitions covering the window; hour None means the whole day."""
        before = [
            (self.day - timedelta(days=1), hour) for hour in range(self.start.hour, 24) if self.start.date() < self.day
        ]
        after_hours = math.ceil((self.end - self._next_midnight()).total_seconds() / 3600)
        after = [(self.day + timedelta(days=1), hour) for hour in range(min(after_hours, 24))]
        return [*before, (self.day, None), *after]

    def _next_midnight(self) -> datetime:
        return datetime(self.day.year, self.day.month, self.day.day, tzinfo=UTC) + timedelta(days=1)


# A schema for probing a path: reading it lists the path, which is all a probe needs.
_PROBE_SCHEMA = StructType([StructField("_probe", StringType())])


def path_exists(spark: SparkSession, path: str) -> bool:
    """Whether a folder (or file) of the lake exists, through Spark's own reader.

    Spark's readers fail on a missing path and list every partition of a bare root, so the few directories a
    job needs are probed one by one. Only public DataFrame APIs: they work on every Databricks access mode,
    serverless included (Hadoop's FileSystem through the JVM gateway does not).
    """
    try:
        spark.read.schema(_PROBE_SCHEMA).parquet(path)
    except AnalysisException as err:
        if err.getCondition() == "PATH_NOT_FOUND":
            return False
        raise
    return True


def existing_paths(spark: SparkSession, paths: Iterable[str]) -> list[str]:
    return [p for p in paths if path_exists(spark, p)]


def read_partitions(spark: SparkSession, root: str, schema: TableSchema, days: Iterable[date]) -> DataFrame:
    """A dt-partitioned table's rows of the given days (those that exist; none is an empty frame)."""
    paths = existing_paths(spark, (partition_path(root, day) for day in sorted(set(days))))
    if not paths:
        return spark.createDataFrame([], schema.full)
    return spark.read.schema(schema.full).option("basePath", root.rstrip("/")).parquet(*paths)


def overwrite_partition(rows: DataFrame, root: str, day: date, files: int = 1) -> None:
    """Replaces <root>/dt=<day>/ with rows (dt dropped: it is in the path), even with no rows at all.

    Written to the partition's own path, so an empty result leaves an empty file rather than an earlier run's
    rows (dynamic partition overwrite replaces only the partitions it writes).
    """
    rows.drop("dt").repartition(files).write.mode("overwrite").parquet(partition_path(root, day))


def frame_of(spark: SparkSession, rows: Iterable[Mapping[str, Any]], schema: StructType) -> DataFrame:
    """Rows given as dicts (a table's columns by name, as a sink computes them) as a DataFrame of `schema`."""
    names = schema.fieldNames()
    return spark.createDataFrame([tuple(row[name] for name in names) for row in rows], schema)


def append_new(rows: DataFrame, root: str, schema: TableSchema, key: Sequence[str]) -> int:
    """Appends to a dt-partitioned table the rows whose key is not in their day's partition yet; returns how many.

    What makes a micro-batch's write idempotent: a batch replayed after a crash, or a write that stopped half
    way, adds only what is missing. The days are those of `rows`; rows must have the table's columns and dt.
    """
    rows = rows.cache()
    try:
        days = [date.fromisoformat(r["dt"]) for r in rows.select("dt").distinct().collect()]
        if not days:
            return 0
        present = read_partitions(rows.sparkSession, root, schema, days).select(*key, "dt")
        new = rows.join(present, [*key, "dt"], "left_anti").select(*schema.full.fieldNames()).cache()
        try:
            count = new.count()
            if count:
                new.repartition("dt").write.mode("append").partitionBy("dt").parquet(root)
            return count
        finally:
            new.unpersist()
    finally:
        rows.unpersist()


def read_day_events(spark: SparkSession, events_root: str, window: DayWindow, schema: TableSchema) -> DataFrame:
    """Storage rows (with dt and hour) whose event_ts falls in the window.

    Raises InputPartitionMissingError when the day's own partition is absent; neighbouring hours may be.
    """
    day_path = partition_path(events_root, window.day)
    if not path_exists(spark, day_path):
        raise InputPartitionMissingError(f"input partition {day_path} does not exist")
    paths = [
        partition_path(events_root, day, hour)
        for day, hour in window.hour_partitions()
        if hour is None or path_exists(spark, partition_path(events_root, day, hour))
    ]
    events = spark.read.schema(schema.full).option("basePath", events_root.rstrip("/")).parquet(*paths)
    return events.where((F.col("event_ts") >= F.lit(window.start)) & (F.col("event_ts") < F.lit(window.end)))


def sibling_table(path: str, name: str) -> str:
    """The root of table `name` next to the table at `path` (s3a://B/sessions -> s3a://B/users)."""
    return f"{path.rstrip('/').rsplit('/', 1)[0]}/{name}"


def known_visitors(
    spark: SparkSession,
    users_path: str | None,
    sessions_path: str,
    days: Iterable[date],
    schema_dir: str | None = None,
) -> DataFrame:
    """(anonymous_id, first_seen) of the visitors seen before a run for `days`: the users table's people, and the
    sessions of those days and of each day before, which a users rebuild may not hold yet (it runs daily)."""
    users_root = users_path or sibling_table(sessions_path, USERS_TABLE)
    users = load_table_schema(USERS_TABLE, schema_dir)
    known = visitors_from_sessions(
        read_partitions(
            spark,
            sessions_path,
            load_sessions_schema(schema_dir),
            {d - delta for d in days for delta in (timedelta(0), timedelta(days=1))},
        )
    )
    if path_exists(spark, users_root):
        people = spark.read.schema(users.full).option("basePath", users_root.rstrip("/")).parquet(users_root)
        known = known.unionByName(visitors_from_users(people))
    return known
