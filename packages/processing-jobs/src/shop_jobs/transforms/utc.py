"""UTC calendar parts of timestamps, independent of spark.sql.session.timeZone.

The lake's dt/hour partitions and the sessions' dt are UTC everywhere in the pipeline, while Spark's
date_format and hour() render in the session's zone; integer arithmetic on epoch microseconds cannot
be shifted by a cluster's setting.
"""

from __future__ import annotations

from pyspark.sql import Column
from pyspark.sql import functions as F

_MICROS_PER_HOUR = 3_600 * 1_000_000
_MICROS_PER_DAY = 24 * _MICROS_PER_HOUR


def utc_date_string(ts: Column) -> Column:
    """'YYYY-MM-DD' of the timestamp's UTC day."""
    days = F.floor(F.unix_micros(ts) / F.lit(_MICROS_PER_DAY)).cast("int")
    return F.date_from_unix_date(days).cast("string")


def utc_hour(ts: Column) -> Column:
    """0-23, the timestamp's UTC hour."""
    return (F.floor(F.unix_micros(ts) / F.lit(_MICROS_PER_HOUR)) % 24).cast("int")
