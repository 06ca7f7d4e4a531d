"""minute_figures and table_row: a minute's buffers -> the contract's LiveMetrics record -> a live_metrics row."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
from support import REPO_ROOT

from shop_jobs.schema import LIVE_METRICS_TABLE, load_table_schema
from shop_jobs.streaming.live_metrics import latest_revisions, minute_figures, table_row

SCHEMA = json.loads(Path(REPO_ROOT, "packages/event-schema/generated/json-schema/live-metrics.json").read_text())


def buffers(**overrides):
    base = {
        "minute": datetime(2026, 11, 28, 10, 0),
        "events": 0,
        "sessions": [],
        "visitors": [],
        "viewed_sessions": [],
        "cart_sessions": [],
        "checkout_sessions": [],
        "order_sessions": [],
        "orders": 0,
        "order_amounts": [],
        "viewed_products": [],
        "ordered_products": [],
        "bot_events": 0,
    }
    return {**base, **overrides}


def test_a_minute_without_events_is_all_zeros_and_valid():
    record = minute_figures(buffers(), revision=0, computed_at_ms=0)
    jsonschema.validate(record, SCHEMA)
    assert (record["events"], record["botShare"], record["revenue"], record["topProductsViewed"]) == (0, 0.0, {}, [])


def test_revenue_by_currency_top_lists_and_ties():
    record = minute_figures(
        buffers(
            events=12,
            orders=3,
            order_amounts=[
                {"currency": "EUR", "revenue": 10.1},
                {"currency": "EUR", "revenue": 0.2},
                {"currency": None, "revenue": 5.0},
            ],
            viewed_products=["b", "a", "b", None, *[f"p{i:02d}" for i in range(12)]],
            ordered_products=[[{"product_id": "a", "quantity": 3.0}, {"product_id": "b", "quantity": None}]],
            bot_events=3,
        ),
        revision=7,
        computed_at_ms=1_764_324_000_123,
    )
    jsonschema.validate(record, SCHEMA)
    assert record["revenue"] == {"???": 5.0, "EUR": 10.3}
    # Most first, ties by product id, at most 10.
    assert record["topProductsViewed"][:3] == [
        {"productId": "b", "count": 2},
        {"productId": "a", "count": 1},
        {"productId": "p00", "count": 1},
    ]
    assert len(record["topProductsViewed"]) == 10
    assert record["topProductsBought"] == [{"productId": "a", "count": 3}, {"productId": "b", "count": 1}]
    assert (record["botShare"], record["eventsPerSecond"], record["computedAt"]) == (
        0.25,
        0.2,
        "2025-11-28T10:00:00.123Z",
    )
    row = table_row(record)
    assert list(row) == [*load_table_schema(LIVE_METRICS_TABLE).full.fieldNames()]
    assert (row["minute"], row["dt"]) == (datetime(2026, 11, 28, 10, 0, tzinfo=UTC), "2026-11-28")


def test_a_consumer_keeps_the_latest_revision_of_each_minute():
    records = [{"minute": "m1", "revision": 1}, {"minute": "m1", "revision": 3}, {"minute": "m2", "revision": 2}]
    assert {m: r["revision"] for m, r in latest_revisions(reversed(records)).items()} == {"m1": 3, "m2": 2}
