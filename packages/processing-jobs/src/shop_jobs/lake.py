"""Where a day's events live in the lake and how to read them.

The S3 sink lays events out Hive-style as dt=YYYY-MM-DD/hour=HH (UTC, the hour always two digits, as
Athena's partition projection expects with projection.hour.digits=2).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from shop_jobs.schema import TableSchema
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


def _hadoop_fs(spark: SparkSession, path: str):
    # Spark's readers fail on a missing path and list every partition of a bare root, so the few
    # directories a day needs are handled one by one through Hadoop's FileSystem (s3a, dbfs, file).
    jvm = spark.sparkContext._jvm
    hadoop_path = jvm.org.apache.hadoop.fs.Path(path)
    return hadoop_path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()), hadoop_path


def path_exists(spark: SparkSession, path: str) -> bool:
    fs, hadoop_path = _hadoop_fs(spark, path)
    return bool(fs.exists(hadoop_path))


def delete_path(spark: SparkSession, path: str) -> None:
    fs, hadoop_path = _hadoop_fs(spark, path)
    fs.delete(hadoop_path, True)


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
