"""The contract's dedup rule in Spark, held to the lake fixtures every reader of the events table shares
(packages/event-schema/fixtures/lake): the SQL views, the sink's compaction and this job keep the same
copy of each event and so report the same money."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.testing import assertDataFrameEqual, assertSchemaEqual
from support import LAKE_COPIES, LAKE_EXPECTED, lake_copies_sessions, utc

from shop_jobs.contract import DEDUP_KEY, DEDUP_ORDER, EVENT_GROUPS, ORDER_COMPLETED
from shop_jobs.transforms.sessions import dedupe_events, sessionize


def reversed_rows(df: DataFrame) -> DataFrame:
    """The same rows in the opposite order: a rule that left ties to input order would keep others."""
    return df.withColumn("_i", F.monotonically_increasing_id()).orderBy(F.desc("_i")).drop("_i")


def assert_same_rows(actual: DataFrame, expected: DataFrame) -> None:
    """Every column, exactly: no tolerance on doubles, rows compared in event_id order."""
    assertSchemaEqual(actual.schema, expected.schema, ignoreNullable=True)
    assertDataFrameEqual(actual.orderBy(DEDUP_KEY), expected.orderBy(DEDUP_KEY), checkRowOrder=True, rtol=0, atol=0)


def test_the_rule_orders_by_every_column_of_the_events_table(event_schema):
    """received_at first, then every other column in file order: a total order over the copies."""
    columns = event_schema.data.fieldNames()
    assert DEDUP_ORDER[0] == "received_at"
    assert list(DEDUP_ORDER[1:]) == [c for c in columns if c not in (DEDUP_KEY, "received_at")]


def test_fixture_instants_are_read_as_utc(event_schema, lake_copies):
    """The fixtures' ISO-8601 text is UTC; epoch milliseconds do not depend on any time zone setting."""
    instants = [f.name for f in event_schema.data.fields if f.dataType.typeName() == "timestamp"]
    assert {"event_ts", "received_at"} <= set(instants)

    def epoch_ms(text: str | None) -> int | None:
        return None if text is None else round(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)

    lines = LAKE_COPIES.read_text(encoding="utf-8").splitlines()
    expected = sorted(tuple(epoch_ms(row[c]) for c in instants) for row in map(json.loads, lines))
    read = lake_copies.select(*(F.unix_millis(c) for c in instants)).collect()
    assert sorted(tuple(r) for r in read) == expected


def test_dedupe_keeps_the_contracts_winners(lake_copies, lake_winners):
    """Later re-sends, identical redeliveries, same-millisecond copies whose titles order differently by
    UTF-16 unit and by code point, and a null user_id against a set one (nulls last)."""
    assert lake_copies.count() > lake_winners.count()
    assert_same_rows(dedupe_events(lake_copies), lake_winners)


def test_dedupe_does_not_depend_on_the_order_copies_are_read_in(lake_copies, lake_winners):
    assert_same_rows(dedupe_events(reversed_rows(lake_copies)), lake_winners)
    assert_same_rows(dedupe_events(lake_copies.repartition(3)), lake_winners)


def test_same_millisecond_copies_keep_code_point_order_false_before_true_and_nulls_last(make_events):
    received = utc(2026, 11, 28, 9, 0)
    base = {"anonymous_id": "anon", "event_ts": received, "received_at": received}
    copies = [
        # "\U0001f600" is a surrogate pair in UTF-16 (0xD83D...), so JavaScript's < puts it before
        # U+FB01; by code point (and UTF-8 bytes) it comes after.
        {**base, "event_id": "title", "page_title": "\U0001f600 deals"},
        {**base, "event_id": "title", "page_title": "\ufb01nal sale"},
        {**base, "event_id": "bot", "is_bot": True},
        {**base, "event_id": "bot", "is_bot": False},
        {**base, "event_id": "bot", "is_bot": None},
        {**base, "event_id": "user", "user_id": None},
        {**base, "event_id": "user", "user_id": "u-1"},
        # received_at decides before any other column: the later copy loses though its type sorts first.
        {**base, "event_id": "late", "event_type": "identify", "received_at": received + timedelta(milliseconds=1)},
        {**base, "event_id": "late", "event_type": "track"},
    ]
    for events in (make_events(*copies), make_events(*reversed(copies))):
        kept = {r.event_id: r for r in dedupe_events(events).collect()}
        assert kept["title"].page_title == "\ufb01nal sale"
        assert kept["bot"].is_bot is False
        assert kept["user"].user_id == "u-1"
        assert kept["late"].event_type == "track"
        assert len(kept) == 4


def money_by_currency(events: DataFrame) -> dict[str, dict[str, float]]:
    """expected.json's money figures, per currency, from storage rows: orders are Order Completed events;
    revenue is net (orders positive, refunds negative, null elsewhere), so its plain SUM is net revenue."""
    is_order = F.col("event_name") == ORDER_COMPLETED
    is_refund = F.col("event_name").isin(*EVENT_GROUPS["refund"])
    money = ("revenue", "checkout_value", "payment_amount")
    rows = (
        events.where(F.coalesce(*(F.col(c) for c in money)).isNotNull())
        .groupBy("currency")
        .agg(
            F.count(F.when(is_order, True)).alias("orders"),
            F.sum(F.when(is_order, F.col("revenue"))).alias("gross_revenue"),
            F.sum(F.when(is_refund, F.col("revenue"))).alias("refunds"),
            F.sum("revenue").alias("net_revenue"),
            F.sum("checkout_value").alias("checkout_value"),
            F.sum("payment_amount").alias("payment_amount"),
        )
        .collect()
    )

    def cents(value: float | None) -> float:
        return round(value or 0.0, 2)

    return {
        r.currency: {"orders": r.orders, **{k: cents(r[k]) for k in r.asDict() if k not in ("currency", "orders")}}
        for r in rows
    }


def test_money_over_the_deduped_copies_is_the_contracts(lake_copies):
    expected = json.loads(LAKE_EXPECTED.read_text(encoding="utf-8"))["money"]
    assert money_by_currency(dedupe_events(lake_copies)) == expected
    # Without the rule the redelivered order and refund would count again.
    assert money_by_currency(lake_copies) != expected


def test_the_order_revenue_counts_once_in_its_session(lake_copies, make_sessions):
    """Three copies of the order and a Checkout Started naming the same 179.8: one order, 179.8."""
    expected = make_sessions(*lake_copies_sessions())
    actual = sessionize(lake_copies)
    assertSchemaEqual(actual.schema, expected.schema, ignoreNullable=True)
    assertDataFrameEqual(actual, expected, checkRowOrder=False)
