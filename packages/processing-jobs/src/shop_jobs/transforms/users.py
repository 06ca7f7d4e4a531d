"""The users table from the sessions table, and the visitors a sessions run already knows: pure transforms.

Identity stitching. A session carries its anonymous_id (the device) and the last user id seen in it. Every
anonymous_id seen with a user id belongs to that user, with all its sessions, those before the sign-in
included (so a first anonymous visit is the user's first touch). A device seen with several user ids (a shared
computer) belongs to the user of its latest session that has one. A device never seen with a user id is a
person of its own, keyed by its anonymous_id.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

from shop_jobs.transforms.utc import utc_date_string


def identities(sessions: DataFrame) -> DataFrame:
    """sessions -> (anonymous_id, user_id): each device's user, by the rule of the module doc."""
    latest = Window.partitionBy("anonymous_id").orderBy(F.col("session_start").desc(), F.col("session_id").desc())
    return (
        sessions.where(F.col("user_id").isNotNull())
        .withColumn("_rank", F.row_number().over(latest))
        .where(F.col("_rank") == 1)
        .select("anonymous_id", "user_id")
    )


def build_users(sessions: DataFrame) -> DataFrame:
    """All sessions -> one row per person: the contract's users columns, in order, then dt (first_seen's day)."""
    owners = identities(sessions)
    stitched = sessions.drop("user_id").join(owners, "anonymous_id", "left")
    stitched = stitched.withColumn("user_key", F.coalesce("user_id", "anonymous_id"))
    # "First" and "last" sessions: by start time, then session id so that ties resolve the same on every run.
    order = F.struct("session_start", "session_id")

    def first(col: str) -> Column:
        return F.min_by(F.col(col), order)

    def last_non_null(col: str) -> Column:
        return F.max_by(F.col(col), F.when(F.col(col).isNotNull(), order))

    users = stitched.groupBy("user_key").agg(
        F.max("user_id").alias("user_id"),
        F.array_join(F.array_sort(F.collect_set("anonymous_id")), ",").alias("anonymous_ids"),
        F.count_distinct("anonymous_id").cast("int").alias("devices"),
        F.min("session_start").alias("first_seen"),
        F.max("session_end").alias("last_seen"),
        F.count(F.lit(1)).cast("int").alias("sessions"),
        F.sum("orders").cast("int").alias("orders"),
        F.sum("revenue").alias("revenue"),
        F.min(F.when(F.col("orders") > 0, F.col("session_start"))).alias("first_order_at"),
        first("channel").alias("first_channel"),
        first("utm_source").alias("first_utm_source"),
        first("utm_campaign").alias("first_utm_campaign"),
        first("landing_page").alias("first_landing_page"),
        last_non_null("country").alias("last_country"),
        last_non_null("device_type").alias("last_device_type"),
    )
    return users.select(
        "user_key",
        "user_id",
        "anonymous_ids",
        "devices",
        "first_seen",
        "last_seen",
        "sessions",
        "orders",
        F.coalesce("revenue", F.lit(0.0)).alias("revenue"),
        "first_order_at",
        "first_channel",
        "first_utm_source",
        "first_utm_campaign",
        "first_landing_page",
        "last_country",
        "last_device_type",
        utc_date_string(F.col("first_seen")).alias("dt"),
    )


def visitors_from_users(users: DataFrame) -> DataFrame:
    """users -> (anonymous_id, first_seen): every stitched device with its person's first_seen."""
    return users.select(F.explode(F.split("anonymous_ids", ",")).alias("anonymous_id"), "first_seen")


def visitors_from_sessions(sessions: DataFrame) -> DataFrame:
    """sessions -> (anonymous_id, first_seen): each device's earliest session in them."""
    return sessions.groupBy("anonymous_id").agg(F.min("session_start").alias("first_seen"))
