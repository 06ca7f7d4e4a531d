"""Sessionization of storage rows: pure DataFrame -> DataFrame functions, no SparkSession of their own.

A session is a run of one anonymous_id's events in which no two consecutive events (ordered by event_ts,
ties broken by event_id) are more than gap_minutes apart. The SDK's own session_id is only a hint and is
not trusted: it resets on storage loss and differs between tabs, while event time is what the reports mean.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

from shop_jobs.contract import (
    CHECKOUT_STARTED,
    DEDUP_KEY,
    DEDUP_ORDER,
    EVENT_TYPE_GROUPS,
    EVENT_TYPE_TRACK,
    ORDER_COMPLETED,
    PRODUCT_ADDED,
    PRODUCT_VIEWED,
)
from shop_jobs.transforms.channel import channel
from shop_jobs.transforms.utc import utc_date_string

DEFAULT_GAP_MINUTES = 30
# Pages and the screens of mobile apps: the contract's page_view group.
PAGE_VIEW_TYPES = EVENT_TYPE_GROUPS["page_view"]

_MICROS_PER_MINUTE = 60 * 1_000_000
#: The events' columns summarize_sessions reads.
SESSION_EVENT_COLUMNS = (
    "event_id",
    "event_type",
    "event_name",
    "anonymous_id",
    "user_id",
    "event_ts",
    "page_url",
    "page_path",
    "page_referrer",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "ua_browser",
    "ua_device_type",
    "revenue",
    "geo_country",
)
#: Column that tells one session of an anonymous_id from another in the events summarize_sessions reads.
SESSION_KEY = "_session"


def dedupe_events(events: DataFrame) -> DataFrame:
    """One row per event: the contract's dedup rule (shop_jobs.contract, from packages/event-schema).

    Upstream delivery is at-least-once (SDK re-sends, Kafka redelivery, Lambda retries), so the same
    event_id can sit in several files, and its copies can differ (a re-send is received later, with
    another sent_at and skew-corrected event_ts). Of the copies sharing DEDUP_KEY, the first by
    DEDUP_ORDER wins, every key ascending with nulls last: received_at first, then every other column,
    a total order, so the views, the sink's compaction and this job keep the same copy whatever the
    file or read order.

    The order is Spark's own on the generated schema's types, which is the one the rule asks for:
    strings (UTF8_BINARY) compare by their UTF-8 bytes, i.e. by code point, not by UTF-16 unit as
    JavaScript would; false sorts before true. Any other columns (dt, hour) are kept and not ordered by;
    they derive from event_ts, which is.
    """
    first_copy = Window.partitionBy(DEDUP_KEY).orderBy(*(F.col(c).asc_nulls_last() for c in DEDUP_ORDER))
    return events.withColumn("_copy", F.row_number().over(first_copy)).where(F.col("_copy") == 1).drop("_copy")


def assign_sessions(events: DataFrame, gap_minutes: int = DEFAULT_GAP_MINUTES) -> DataFrame:
    """events (one row per event_id, anonymous_id not null) plus SESSION_KEY: the 1-based session number within
    its anonymous_id."""
    check_gap(gap_minutes)
    ordered = Window.partitionBy("anonymous_id").orderBy("event_ts", "event_id")
    micros = F.unix_micros("event_ts")
    gap_exceeded = (micros - F.lag(micros).over(ordered)) > F.lit(gap_minutes * _MICROS_PER_MINUTE)
    # A gap of exactly gap_minutes continues the session; only a longer one starts a new one.
    starts_session = F.when(gap_exceeded | F.lag(micros).over(ordered).isNull(), 1).otherwise(0)
    running = ordered.rowsBetween(Window.unboundedPreceding, Window.currentRow)
    return (
        events.withColumn("_starts", starts_session)
        .withColumn(SESSION_KEY, F.sum("_starts").over(running))
        .drop("_starts")
    )


def check_gap(gap_minutes: int) -> None:
    if gap_minutes <= 0:
        raise ValueError(f"gap_minutes must be positive, got {gap_minutes}")


def summarize_sessions(sessioned: DataFrame) -> DataFrame:
    """Events of sessions (one row per event_id, with SESSION_KEY telling one session of an anonymous_id from
    another) -> one row per session, the contract's columns with is_new_visitor left null (mark_new_visitors).

    The batch job (assign_sessions) and the streaming job (shop_jobs.streaming.sessions, which keeps the open
    sessions of each anonymous_id in state) both end here, so a session is summed up the same way by both.
    """
    # Ordering key for "first"/"last" within a session: event time, then event_id, as the gap rule.
    order = F.struct("event_ts", "event_id")

    def first(col: str, *, skip_nulls: bool = False) -> Column:
        key = F.when(F.col(col).isNotNull(), order) if skip_nulls else order
        # min_by/max_by ignore rows whose ordering value is null, which is how nulls are skipped.
        return F.min_by(F.col(col), key)

    def last_non_null(col: str) -> Column:
        return F.max_by(F.col(col), F.when(F.col(col).isNotNull(), order))

    def count_where(cond: Column) -> Column:
        return F.count(F.when(cond, True))

    # Only Order Completed carries a session's revenue: since schema version 2 the column is null on
    # every other event except refunds (negative, and not part of a session's sales), and files of
    # version 1 also filled it on Checkout Started and Order Updated, which would count an order twice.
    is_order = F.col("event_name") == ORDER_COMPLETED
    is_page_view = F.col("event_type").isin(*PAGE_VIEW_TYPES)
    aggregated = sessioned.groupBy("anonymous_id", SESSION_KEY).agg(
        F.min_by("event_id", order).alias("_first_event_id"),
        last_non_null("user_id").alias("user_id"),
        F.min("event_ts").alias("session_start"),
        F.max("event_ts").alias("session_end"),
        F.count(F.lit(1)).alias("event_count"),
        count_where(is_page_view).alias("page_views"),
        count_where(F.col("event_name") == PRODUCT_VIEWED).alias("product_views"),
        count_where(is_order).alias("orders"),
        F.sum(F.when(is_order, F.col("revenue"))).alias("_revenue"),
        count_where(F.col("event_type") == EVENT_TYPE_TRACK).alias("_tracks"),
        first("page_path", skip_nulls=True).alias("landing_page"),
        first("utm_source").alias("utm_source"),
        first("utm_medium").alias("utm_medium"),
        first("utm_campaign").alias("utm_campaign"),
        first("page_referrer").alias("_referrer"),
        first("page_url").alias("_page_url"),
        count_where(F.col("event_name") == PRODUCT_ADDED).alias("cart_adds"),
        count_where(F.col("event_name") == CHECKOUT_STARTED).alias("_checkouts"),
        last_non_null("page_path").alias("exit_page"),
        first("ua_device_type", skip_nulls=True).alias("device_type"),
        first("ua_browser", skip_nulls=True).alias("browser"),
        first("geo_country", skip_nulls=True).alias("country"),
    )
    duration_micros = F.unix_micros("session_end") - F.unix_micros("session_start")
    return aggregated.select(
        # Hashing the anonymous_id with the session's first event_id gives the same id on every re-run
        # over the same events, wherever the run starts reading.
        F.substring(F.sha2(F.concat_ws("|", "anonymous_id", "_first_event_id"), 256), 1, 32).alias("session_id"),
        "anonymous_id",
        "user_id",
        "session_start",
        "session_end",
        (duration_micros / F.lit(1_000_000.0)).alias("duration_seconds"),
        F.col("event_count").cast("int").alias("event_count"),
        F.col("page_views").cast("int").alias("page_views"),
        F.col("product_views").cast("int").alias("product_views"),
        F.col("orders").cast("int").alias("orders"),
        # No currency conversion: revenue is summed as sent (single-currency shops).
        F.coalesce(F.col("_revenue"), F.lit(0.0)).alias("revenue"),
        # A bounce: exactly one page view and no tracked interaction (identify/group/alias don't count).
        ((F.col("page_views") == 1) & (F.col("_tracks") == 0)).alias("is_bounce"),
        "landing_page",
        "utm_source",
        "utm_medium",
        "utm_campaign",
        F.col("cart_adds").cast("int").alias("cart_adds"),
        (F.col("_checkouts") > 0).alias("checkout_started"),
        "exit_page",
        "device_type",
        "browser",
        "country",
        channel(F.col("utm_source"), F.col("utm_medium"), F.col("_referrer"), F.col("_page_url")).alias("channel"),
        F.lit(None).cast("boolean").alias("is_new_visitor"),
        utc_date_string(F.col("session_start")).alias("dt"),
    )


def mark_new_visitors(sessions: DataFrame, known_visitors: DataFrame | None = None) -> DataFrame:
    """sessions with is_new_visitor set: true for a session that starts no later than every other session
    known for its anonymous_id, those in `sessions` and those in known_visitors (anonymous_id, first_seen:
    the users table's people, each anonymous id with its person's first_seen; shop_jobs.lake.known_visitors).
    """
    columns = sessions.columns
    earliest = F.min("session_start").over(Window.partitionBy("anonymous_id"))
    if known_visitors is not None:
        known = known_visitors.groupBy("anonymous_id").agg(F.min("first_seen").alias("_known_first_seen"))
        sessions = sessions.join(known, "anonymous_id", "left")
        # least() skips nulls: an anonymous id the table does not know is judged on these sessions alone.
        earliest = F.least(earliest, F.col("_known_first_seen"))
    marked = sessions.withColumn("is_new_visitor", F.col("session_start") <= earliest)
    return marked.select(*columns)


def sessionize(
    events: DataFrame, gap_minutes: int = DEFAULT_GAP_MINUTES, known_visitors: DataFrame | None = None
) -> DataFrame:
    """Storage rows -> one row per session: the contract's sessions columns, in order, then dt.

    The schema is packages/event-schema's (shop_jobs.schema.load_sessions_schema().full); the tests hold
    this select to it, and Athena and the query package read the table with it.

    Duplicate event_ids are dropped first (dedupe_events). Events without an anonymous_id (server-side
    calls that carry only a user_id) belong to no browsing session and are left out; that is decided on
    the winning copy, so a copy the rule drops cannot bring its event into a session.
    """
    keyed = dedupe_events(events).where(F.col("anonymous_id").isNotNull())
    return mark_new_visitors(summarize_sessions(assign_sessions(keyed, gap_minutes)), known_visitors)
