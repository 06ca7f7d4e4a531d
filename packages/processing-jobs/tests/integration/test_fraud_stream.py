"""The fraud scoring stream against the real local Kafka broker: events in, alerts out (topic and table).

The alerts must be exactly those the plain-Python scoring (shop_jobs.fraud) gives for the same events in order:
the stream only adds Kafka, state and micro-batches around it. A duplicate and a restart add none; a malformed
record is counted and skipped.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from shop_jobs.contract import CHECKOUT_STARTED, ORDER_COMPLETED, PAYMENT_ATTEMPTED, PRODUCT_VIEWED
from shop_jobs.fraud import FraudEvent, alert_id, is_scored, keys_of, load_rules, score_event, update_history
from shop_jobs.fraud.alerts import iso_utc
from shop_jobs.schema import FRAUD_ALERTS_TABLE, load_storage_mapping, load_table_schema
from shop_jobs.streaming.fraud_scoring import AlertSink, StreamSettings, observed_totals, start_scoring

pytestmark = pytest.mark.integration

T0 = int(datetime(2026, 11, 28, 10, tzinfo=UTC).timestamp() * 1000)


def collected(e: FraudEvent) -> str:
    """An event as the collector publishes it (CollectedEvent JSON), from the fields the rules read."""
    properties = {
        "product_id": e.product_id,
        "order_id": e.order_id,
        "checkout_id": e.checkout_id,
        "revenue": e.revenue,
        "value": e.checkout_value,
        "currency": e.currency,
        "amount": e.payment_amount,
        "status": e.payment_status or e.auth_status,
        "decline_code": e.decline_code,
        "card_fingerprint": e.card_fingerprint,
        "card_bin": e.card_bin,
        "card_country": e.card_country,
        "billing_country": e.billing_country,
        "shipping_country": e.shipping_country,
    }
    event: dict[str, Any] = {
        "type": e.event_type,
        "messageId": e.event_id,
        "timestamp": iso_utc(e.event_ts),
        "properties": {k: v for k, v in properties.items() if v is not None},
        "context": {"session": {"id": e.session_id}} if e.session_id else {},
    }
    event["event" if e.event_type == "track" else "name"] = e.event_name
    for wire, value in (("anonymousId", e.anonymous_id), ("userId", e.user_id)):
        if value is not None:
            event[wire] = value
    enrichment = {"eventTs": iso_utc(e.event_ts), "ipAnonymized": e.ip_anonymized, "geoCountry": e.geo_country}
    record = {
        "v": 1,
        "receivedAt": iso_utc(e.received_at or e.event_ts),
        "enrichment": {k: v for k, v in enrichment.items() if v is not None},
        "event": event,
    }
    return json.dumps(record, separators=(",", ":"))


def at(seconds: float, name: str | None, event_id: str, event_type: str = "track", **fields: Any) -> FraudEvent:
    return FraudEvent(
        event_id=event_id, event_type=event_type, event_name=name, event_ts=T0 + int(seconds * 1000), **fields
    )


def scenario() -> list[FraudEvent]:
    """A card tester (ten small payments with ten cards from one device and IP) beside a shopper whose card is
    declined once and then goes through (a hard negative), in event time order."""
    tester = {"anonymous_id": "dev-tester", "ip_anonymized": "45.67.89.0", "geo_country": "US"}
    shopper = {"anonymous_id": "dev-shopper", "user_id": "user-ok", "ip_anonymized": "177.45.12.0", "geo_country": "BR"}
    events = [
        at(0, "Home", "t-page", "page", **tester),
        at(5, "Home", "s-page", "page", **shopper),
        at(30, PRODUCT_VIEWED, "s-view", product_id="sku-1", **shopper),
        at(90, CHECKOUT_STARTED, "s-checkout", checkout_value=150.0, currency="BRL", **shopper),
    ]
    for i in range(10):
        events.append(
            at(
                20 + 15 * i,
                PAYMENT_ATTEMPTED,
                f"t-pay-{i}",
                payment_status="authorized" if i in (3, 8) else "declined",
                payment_amount=1.0,
                currency="USD",
                card_fingerprint=f"tc-{i}",
                card_bin=f"4{i}1111",
                card_country="GB",
                **tester,
            )
        )
    card = {"card_fingerprint": "card-ok", "card_bin": "522222", "card_country": "BR", "currency": "BRL"}
    events += [
        at(120, PAYMENT_ATTEMPTED, "s-pay-1", payment_status="declined", payment_amount=150.0, **card, **shopper),
        at(150, PAYMENT_ATTEMPTED, "s-pay-2", payment_status="authorized", payment_amount=150.0, **card, **shopper),
        at(
            155,
            ORDER_COMPLETED,
            "s-order",
            order_id="o-ok",
            revenue=150.0,
            billing_country="BR",
            shipping_country="BR",
            **card,
            **shopper,
        ),
    ]
    return sorted(events, key=lambda e: (e.event_ts, e.event_id))


def expected_alert_ids(events: list[FraudEvent], config) -> set[str]:
    """The plain-Python scoring of the same events in order: score against the keys' histories, then file."""
    state: dict[tuple[Any, str], list[FraudEvent]] = {}
    ids = set()
    for e in events:
        keys = keys_of(e, config)
        if is_scored(e):
            assessment = score_event(e, {s: state.get((s, k), []) for s, k in keys.items()}, config)
            if assessment.alert:
                ids.add(assessment.alert_id)
        for scope, key in keys.items():
            state[(scope, key)] = update_history(state.get((scope, key), []), [e], scope, config)
    return ids


def test_the_stream_raises_exactly_the_alerts_the_rules_give_once_each_across_a_restart(
    spark, kafka, event_schema, tmp_path
):
    config = load_rules()
    events = scenario()
    expected = expected_alert_ids(events, config)
    assert expected, "the scenario must alert"
    raw_topic, alerts_topic = kafka.topic(partitions=2), kafka.topic()
    table = str(tmp_path / "fraud_alerts")
    settings = StreamSettings(
        brokers=kafka.brokers,
        topic=raw_topic,
        checkpoint=str(tmp_path / "checkpoint"),
        sink=AlertSink(kafka.brokers, alerts_topic, table, load_table_schema(FRAUD_ALERTS_TABLE).full),
        starting_offsets="earliest",
    )

    def send(values: list[str]) -> None:
        frame = spark.createDataFrame(
            [(json.loads(v)["event"]["messageId"] if v.startswith("{") else "x", v) for v in values],
            "key string, value string",
        )
        frame.write.format("kafka").option("kafka.bootstrap.servers", kafka.brokers).option("topic", raw_topic).save()

    def drain() -> dict[str, int]:
        query = start_scoring(
            spark, settings, config, load_storage_mapping(), event_schema.data, {"availableNow": True}
        )
        query.awaitTermination(300)
        assert query.exception() is None, query.exception()
        return observed_totals(query.recentProgress)

    half = len(events) // 2
    send([collected(e) for e in events[:half]])
    first = drain()
    # The rest, a redelivered event that alerted in the first run, and a record that is no event; then a restart.
    redelivered = next(e for e in events[:half] if alert_id(config.version, e.event_id) in expected)
    send([collected(e) for e in events[half:]] + [collected(redelivered), "not json"])
    second = drain()
    third = drain()

    assert first["malformed"] + second["malformed"] + third["malformed"] == 1
    alerts = [
        json.loads(r.value)
        for r in spark.read.format("kafka")
        .option("kafka.bootstrap.servers", kafka.brokers)
        .option("subscribe", alerts_topic)
        .option("startingOffsets", "earliest")
        .load()
        .selectExpr("CAST(value AS STRING) AS value")
        .collect()
    ]
    ids = [a["alertId"] for a in alerts]
    assert sorted(ids) == sorted(expected)  # each expected alert once: none lost, none twice
    assert {a["anonymousId"] for a in alerts} == {"dev-tester"}
    assert all(a["score"] >= a["threshold"] and a["reasons"] for a in alerts)
    rows = spark.read.schema(load_table_schema(FRAUD_ALERTS_TABLE).full).parquet(table).collect()
    assert sorted(r["alert_id"] for r in rows) == sorted(expected)
    assert {r["dt"] for r in rows} == {"2026-11-28"}
