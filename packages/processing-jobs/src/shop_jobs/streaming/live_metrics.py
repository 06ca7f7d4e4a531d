"""Live behaviour metrics: the raw events topic in, one figure set per minute of event time out (topic and table).

1. raw records become storage rows by the contract's mapping (shop_jobs.transforms.collected); the rest are
   skipped and counted (observed metric `malformed`);
2. copies of an event_id are dropped within the watermark;
3. per minute of event_time, one streaming aggregation keeps what the figures need: counts, the sets of
   sessions and visitors (exact distinct counts, not sketches: a minute's sets are small), each funnel step's
   sessions, the orders' currencies and amounts, the products viewed and the products ordered;
4. in update mode each micro-batch hands over the minutes it changed; minute_figures (plain Python) turns each
   into the contract's LiveMetrics record, which goes to the metrics.live topic (key: the minute) and to the
   live_metrics table (one row per minute and revision, the revision being the micro-batch id).

The watermark (default 2 minutes) is how long a minute stays open to late events: the SDK sends every 5 seconds
and retries with backoff, so nearly every event reaches Kafka within seconds; a minute's figures then settle 2
minutes after it ends, which a live dashboard can wait for. Events later than that (an app that was offline)
are not in the live figures; the lake has them and the daily metrics count them.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import StructType

from shop_jobs.contract import (
    CHECKOUT_STARTED,
    LIVE_METRICS_VERSION,
    LIVE_TOP_PRODUCTS,
    ORDER_COMPLETED,
    PRODUCT_ADDED,
    PRODUCT_VIEWED,
)
from shop_jobs.lake import append_new, frame_of
from shop_jobs.schema import TableSchema
from shop_jobs.streaming.kafka_io import publish_json, raw_events, scoring_rows

DEFAULT_WATERMARK = "2 minutes"
UNKNOWN_CURRENCY = "???"
_PRODUCTS = "struct<products: array<struct<product_id: string, quantity: double>>>"


def minute_buffers(rows: DataFrame, watermark: str) -> DataFrame:
    """Storage rows (a stream) -> per minute of event_ts, what minute_figures needs (steps 2 and 3)."""
    session = F.coalesce("session_id", "anonymous_id", "user_id")
    name = F.col("event_name")

    def sessions_where(event_name: str) -> Any:
        return F.collect_set(F.when(name == event_name, session))

    is_order = name == ORDER_COMPLETED
    products = F.from_json("properties_json", _PRODUCTS).getField("products")
    return (
        rows.withWatermark("event_ts", watermark)
        .dropDuplicatesWithinWatermark(["event_id"])
        .groupBy(F.window("event_ts", "1 minute").alias("window"))
        .agg(
            F.count(F.lit(1)).alias("events"),
            F.collect_set(session).alias("sessions"),
            F.collect_set("anonymous_id").alias("visitors"),
            sessions_where(PRODUCT_VIEWED).alias("viewed_sessions"),
            sessions_where(PRODUCT_ADDED).alias("cart_sessions"),
            sessions_where(CHECKOUT_STARTED).alias("checkout_sessions"),
            sessions_where(ORDER_COMPLETED).alias("order_sessions"),
            F.count(F.when(is_order, True)).alias("orders"),
            F.collect_list(F.when(is_order, F.struct("currency", "revenue"))).alias("order_amounts"),
            F.collect_list(F.when(name == PRODUCT_VIEWED, F.col("product_id"))).alias("viewed_products"),
            F.collect_list(F.when(is_order & products.isNotNull(), products)).alias("ordered_products"),
            F.count(F.when(F.col("is_bot"), True)).alias("bot_events"),
        )
        .select(F.col("window.start").alias("minute"), "*")
        .drop("window")
    )


def iso_minute(minute: datetime) -> str:
    return minute.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _top(counts: Counter[str]) -> list[dict[str, Any]]:
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:LIVE_TOP_PRODUCTS]
    return [{"productId": product, "count": count} for product, count in ranked]


def minute_figures(buffer: Mapping[str, Any], revision: int, computed_at_ms: int) -> dict[str, Any]:
    """One minute's buffers (minute_buffers' row as a dict; minute a UTC datetime) -> a LiveMetrics record."""
    events = int(buffer["events"])
    revenue: dict[str, float] = {}
    for amount in buffer["order_amounts"]:
        if amount["revenue"] is not None:
            currency = amount["currency"] or UNKNOWN_CURRENCY
            revenue[currency] = round(revenue.get(currency, 0.0) + amount["revenue"], 6)
    bought: Counter[str] = Counter()
    for products in buffer["ordered_products"]:
        for product in products:
            if product["product_id"]:
                quantity = product["quantity"]
                bought[product["product_id"]] += int(quantity) if quantity and quantity > 0 else 1
    minute = buffer["minute"]
    if minute.tzinfo is None:
        minute = minute.replace(tzinfo=UTC)
    return {
        "v": LIVE_METRICS_VERSION,
        "minute": iso_minute(minute),
        "revision": revision,
        "computedAt": datetime.fromtimestamp(computed_at_ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
        "events": events,
        "eventsPerSecond": round(events / 60, 4),
        "activeSessions": len(buffer["sessions"]),
        "visitors": len(buffer["visitors"]),
        "funnel": {
            "productViewed": len(buffer["viewed_sessions"]),
            "addedToCart": len(buffer["cart_sessions"]),
            "checkoutStarted": len(buffer["checkout_sessions"]),
            "ordered": len(buffer["order_sessions"]),
        },
        "orders": int(buffer["orders"]),
        "revenue": dict(sorted(revenue.items())),
        "topProductsViewed": _top(Counter(p for p in buffer["viewed_products"] if p)),
        "topProductsBought": _top(bought),
        "botEvents": int(buffer["bot_events"]),
        "botShare": round(int(buffer["bot_events"]) / events, 6) if events else 0.0,
    }


def table_row(record: Mapping[str, Any]) -> dict[str, Any]:
    """A LiveMetrics record as a live_metrics row (the contract's columns, then dt)."""
    minute = datetime.fromisoformat(record["minute"].replace("Z", "+00:00"))
    funnel = record["funnel"]
    compact = {"separators": (",", ":")}
    return {
        "minute": minute,
        "revision": record["revision"],
        "computed_at": datetime.fromisoformat(record["computedAt"].replace("Z", "+00:00")),
        "events": record["events"],
        "events_per_second": record["eventsPerSecond"],
        "active_sessions": record["activeSessions"],
        "visitors": record["visitors"],
        "funnel_product_viewed": funnel["productViewed"],
        "funnel_added_to_cart": funnel["addedToCart"],
        "funnel_checkout_started": funnel["checkoutStarted"],
        "funnel_ordered": funnel["ordered"],
        "orders": record["orders"],
        "revenue_json": json.dumps(record["revenue"], **compact),
        "top_products_viewed_json": json.dumps(record["topProductsViewed"], **compact),
        "top_products_bought_json": json.dumps(record["topProductsBought"], **compact),
        "bot_events": record["botEvents"],
        "bot_share": record["botShare"],
        "dt": minute.date().isoformat(),
    }


@dataclass(frozen=True)
class MetricsSink:
    """Where revisions go: the metrics topic (key: the minute) and the live_metrics table."""

    brokers: str
    topic: str
    table_path: str
    table: TableSchema

    def write(self, spark: SparkSession, records: Sequence[Mapping[str, Any]]) -> None:
        if not records:
            return
        publish_json(spark, self.brokers, self.topic, ((r["minute"], r) for r in records))
        rows = frame_of(spark, (table_row(r) for r in records), self.table.full)
        # A batch replayed after a crash computes the same revisions: those already in the table are skipped.
        append_new(rows, self.table_path, self.table, ["minute", "revision"])


def metrics_batch(sink: MetricsSink, clock: Callable[[], float] = time.time) -> Callable[[DataFrame, int], None]:
    def on_batch(batch: DataFrame, batch_id: int) -> None:
        now_ms = int(clock() * 1000)
        records = [minute_figures(row.asDict(recursive=True), batch_id, now_ms) for row in batch.collect()]
        sink.write(batch.sparkSession, sorted(records, key=lambda r: r["minute"]))

    return on_batch


@dataclass(frozen=True)
class LiveMetricsSettings:
    brokers: str
    topic: str
    checkpoint: str
    sink: MetricsSink
    watermark: str = DEFAULT_WATERMARK
    starting_offsets: str = "latest"


def start_live_metrics(
    spark: SparkSession,
    settings: LiveMetricsSettings,
    mapping: Sequence[Mapping[str, Any]],
    schema: StructType,
    trigger: Mapping[str, Any],
) -> Any:
    raw = raw_events(spark, settings.brokers, settings.topic, {"startingOffsets": settings.starting_offsets})
    buffers = minute_buffers(scoring_rows(raw, mapping, schema), settings.watermark)
    return (
        buffers.writeStream.outputMode("update")
        .foreachBatch(metrics_batch(settings.sink))
        .option("checkpointLocation", settings.checkpoint)
        .trigger(**trigger)
        .queryName("live-metrics")
        .start()
    )


def latest_revisions(records: Iterable[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    """The newest revision of each minute, as a consumer of the topic keeps them."""
    latest: dict[str, Mapping[str, Any]] = {}
    for record in records:
        current = latest.get(record["minute"])
        if current is None or record["revision"] > current["revision"]:
            latest[record["minute"]] = record
    return latest
