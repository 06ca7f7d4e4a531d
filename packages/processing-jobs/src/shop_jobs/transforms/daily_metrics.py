"""Daily KPIs from the sessions table: a pure DataFrame -> DataFrame function (the contract's daily_metrics)."""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F


def daily_metrics(sessions: DataFrame) -> DataFrame:
    """One row per dt of sessions (the contract's sessions schema) -> the contract's daily_metrics columns, then dt
    (packages/event-schema, src/analytics/daily-metrics.ts; the tests hold this select to the generated schema).

    Distinct counts are exact, not approximate: a day's sessions are small, and these numbers get compared with
    what Athena computes from the same table. Rates are per session.
    """

    def sessions_where(cond: Column) -> Column:
        return F.count(F.when(cond, True))

    aggregated = sessions.groupBy("dt").agg(
        F.count(F.lit(1)).alias("sessions"),
        F.count_distinct("anonymous_id").alias("visitors"),
        F.count_distinct("user_id").alias("identified_users"),
        sessions_where(F.col("is_new_visitor")).alias("new_visitor_sessions"),
        F.sum("page_views").alias("page_views"),
        F.sum("product_views").alias("product_views"),
        sessions_where(F.col("cart_adds") > 0).alias("cart_sessions"),
        sessions_where(F.col("checkout_started")).alias("checkout_sessions"),
        F.sum("orders").alias("orders"),
        F.sum("revenue").alias("revenue"),
        sessions_where(F.col("orders") > 0).alias("converting_sessions"),
        sessions_where(F.col("is_bounce")).alias("_bounces"),
        F.avg("duration_seconds").alias("avg_session_seconds"),
    )
    counts = (
        "sessions",
        "visitors",
        "identified_users",
        "new_visitor_sessions",
        "page_views",
        "product_views",
        "cart_sessions",
        "checkout_sessions",
        "orders",
    )
    return aggregated.select(
        *(F.col(c).cast("int").alias(c) for c in counts),
        "revenue",
        F.col("converting_sessions").cast("int").alias("converting_sessions"),
        (F.col("_bounces") / F.col("sessions")).alias("bounce_rate"),
        (F.col("converting_sessions") / F.col("sessions")).alias("conversion_rate"),
        "avg_session_seconds",
        "dt",
    )
