"""Daily KPIs from the sessions table: a pure DataFrame -> DataFrame function."""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import DoubleType, LongType, StringType, StructField, StructType

DAILY_METRICS_SCHEMA = StructType(
    [
        StructField("sessions", LongType(), False),
        StructField("visitors", LongType(), False),
        StructField("identified_users", LongType(), False),
        StructField("page_views", LongType(), False),
        StructField("product_views", LongType(), False),
        StructField("orders", LongType(), False),
        StructField("revenue", DoubleType(), False),
        StructField("converting_sessions", LongType(), False),
        StructField("bounce_rate", DoubleType(), False),
        StructField("conversion_rate", DoubleType(), False),
        StructField("avg_session_seconds", DoubleType(), False),
        StructField("dt", StringType(), False),
    ]
)


def daily_metrics(sessions: DataFrame) -> DataFrame:
    """One row per dt of sessions (the contract's sessions schema) -> DAILY_METRICS_SCHEMA.

    Distinct counts are exact, not approximate: a day's sessions are small, and these numbers get
    compared with what Athena computes from the same table. Rates are per session.
    """
    n = F.count(F.lit(1))
    aggregated = sessions.groupBy("dt").agg(
        n.alias("sessions"),
        F.count_distinct("anonymous_id").alias("visitors"),
        F.count_distinct("user_id").alias("identified_users"),
        F.sum("page_views").cast("long").alias("page_views"),
        F.sum("product_views").cast("long").alias("product_views"),
        F.sum("orders").cast("long").alias("orders"),
        F.sum("revenue").alias("revenue"),
        F.count(F.when(F.col("orders") > 0, True)).alias("converting_sessions"),
        F.count(F.when(F.col("is_bounce"), True)).alias("_bounces"),
        F.avg("duration_seconds").alias("avg_session_seconds"),
    )
    return aggregated.select(
        "sessions",
        "visitors",
        "identified_users",
        "page_views",
        "product_views",
        "orders",
        "revenue",
        "converting_sessions",
        (F.col("_bounces") / F.col("sessions")).alias("bounce_rate"),
        (F.col("converting_sessions") / F.col("sessions")).alias("conversion_rate"),
        "avg_session_seconds",
        "dt",
    )
