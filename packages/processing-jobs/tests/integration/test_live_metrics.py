"""The live metrics stream against the real local Kafka broker: a known sequence of events in, the expected
per-minute figures out (topic and table), revised by a late event within the watermark and not by one after it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import jsonschema
import pytest
from support import REPO_ROOT

from shop_jobs.schema import LIVE_METRICS_TABLE, load_event_schema, load_storage_mapping, load_table_schema
from shop_jobs.streaming.live_metrics import LiveMetricsSettings, MetricsSink, latest_revisions, start_live_metrics

pytestmark = pytest.mark.integration

T0 = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
RECORD_SCHEMA = json.loads(
    (REPO_ROOT / "packages" / "event-schema" / "generated" / "json-schema" / "live-metrics.json").read_text()
)


def iso(ts: datetime) -> str:
    return ts.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def record(
    message_id: str, seconds: float, anon: str, session: str | None, kind: str, name: str | None = None, **props: Any
) -> str:
    """A CollectedEvent as the collector publishes it."""
    ts = T0 + timedelta(seconds=seconds)
    event: dict[str, Any] = {"type": kind, "messageId": message_id, "anonymousId": anon, "timestamp": iso(ts)}
    if session:
        event["context"] = {"session": {"id": session}}
    if name:
        event["event" if kind == "track" else "name"] = name
    if props:
        event["properties"] = props
    enrichment: dict[str, Any] = {"eventTs": iso(ts)}
    if anon == "bot":
        enrichment["isBot"] = True
    return json.dumps({"v": 1, "receivedAt": iso(ts), "enrichment": enrichment, "event": event})


FIRST = [
    # Minute 10:00. A shopper's whole funnel in session S1.
    record("a1", 1, "A1", "S1", "page", "Home"),
    record("a2", 5, "A1", "S1", "track", "Product Viewed", product_id="p1"),
    record("a3", 9, "A1", "S1", "track", "Product Added", product_id="p1"),
    record("a4", 15, "A1", "S1", "track", "Checkout Started", value=50),
    record(
        "a5",
        20,
        "A1",
        "S1",
        "track",
        "Order Completed",
        revenue=50,
        currency="eur",
        products=[{"product_id": "p1", "quantity": 2}, {"product_id": "p2"}],
    ),
    # A browser in S2, its second view sent twice.
    record("b1", 10, "A2", "S2", "track", "Product Viewed", product_id="p1"),
    record("b2", 12, "A2", "S2", "track", "Product Viewed", product_id="p2"),
    record("b2", 12, "A2", "S2", "track", "Product Viewed", product_id="p2"),
    # A crawler.
    record("c1", 30, "bot", "S9", "page", "Home"),
    # Minute 10:01: the shopper again, and an order in dollars without products from a server (no session).
    record("a6", 65, "A1", "S1", "page", "Thanks"),
    record("d1", 70, "A3", None, "track", "Order Completed", revenue=10.5, currency="USD"),
    "not json at all",
]
# Within the watermark (2 minutes after 10:01:10): minute 10:00 gets a fourth session.
LATE_WITHIN = [record("e1", 40, "A4", "S4", "track", "Product Viewed", product_id="p3")]
# Moves the watermark to 10:08 (at the end of its micro-batch), then an event for 10:00 that is too late to count.
AHEAD = [record("f1", 600, "A5", "S5", "page", "Home")]
TOO_LATE = [record("g1", 50, "A6", "S6", "page", "Home")]


def test_known_events_give_the_expected_minute_figures(spark, kafka, s3):
    raw_topic, metrics_topic = kafka.topic(partitions=2), kafka.topic()
    table_path = f"{s3.s3a_root}/live_metrics"
    table = load_table_schema(LIVE_METRICS_TABLE)
    settings = LiveMetricsSettings(
        brokers=kafka.brokers,
        topic=raw_topic,
        checkpoint=f"{s3.s3a_root}/_checkpoints/live_metrics",
        sink=MetricsSink(kafka.brokers, metrics_topic, table_path, table),
        starting_offsets="earliest",
    )

    def send_and_drain(values: list[str]) -> None:
        frame = spark.createDataFrame([(v,) for v in values], "value string")
        frame.write.format("kafka").option("kafka.bootstrap.servers", kafka.brokers).option("topic", raw_topic).save()
        query = start_live_metrics(
            spark, settings, load_storage_mapping(), load_event_schema().data, {"availableNow": True}
        )
        query.awaitTermination(300)
        assert query.exception() is None

    for values in (FIRST, LATE_WITHIN, AHEAD, TOO_LATE):
        send_and_drain(values)

    messages = (
        spark.read.format("kafka")
        .option("kafka.bootstrap.servers", kafka.brokers)
        .option("subscribe", metrics_topic)
        .option("startingOffsets", "earliest")
        .load()
        .selectExpr("CAST(key AS STRING) AS key", "CAST(value AS STRING) AS value")
        .collect()
    )
    records = [json.loads(m.value) for m in messages]
    for r, m in zip(records, messages, strict=True):
        jsonschema.validate(r, RECORD_SCHEMA)
        assert m.key == r["minute"]
    latest = latest_revisions(records)
    ten, ten_one = latest["2026-11-28T10:00:00.000Z"], latest["2026-11-28T10:01:00.000Z"]
    # 5 + 2 (the copy dropped) + 1 + 1 late within the watermark; the one after it is not counted.
    assert ten["events"] == 9
    assert (ten["activeSessions"], ten["visitors"]) == (4, 4)
    assert ten["funnel"] == {"productViewed": 3, "addedToCart": 1, "checkoutStarted": 1, "ordered": 1}
    assert (ten["orders"], ten["revenue"]) == (1, {"EUR": 50.0})
    assert ten["topProductsViewed"] == [
        {"productId": "p1", "count": 2},
        {"productId": "p2", "count": 1},
        {"productId": "p3", "count": 1},
    ]
    assert ten["topProductsBought"] == [{"productId": "p1", "count": 2}, {"productId": "p2", "count": 1}]
    assert (ten["botEvents"], ten["botShare"], ten["eventsPerSecond"]) == (1, round(1 / 9, 6), 0.15)
    # A session-less server event counts under its anonymous id.
    assert (ten_one["events"], ten_one["activeSessions"], ten_one["funnel"]["ordered"]) == (2, 2, 1)
    assert ten_one["revenue"] == {"USD": 10.5}
    # 10:00 was revised by the late event: an earlier revision with 8 events is on the topic too.
    assert sorted(r["events"] for r in records if r["minute"] == ten["minute"]) == [8, 9]

    rows = spark.read.schema(table.full).parquet(table_path)
    assert rows.count() == len(records)  # one row per (minute, revision), none twice
    newest = rows.orderBy("revision", ascending=False).where("minute = '2026-11-28 10:00:00'").first()
    assert (newest.events, newest.funnel_product_viewed, json.loads(newest.revenue_json)) == (9, 3, {"EUR": 50.0})
