from __future__ import annotations

from datetime import timedelta

import pytest
from pyspark.sql import DataFrame
from pyspark.testing import assertDataFrameEqual, assertSchemaEqual
from support import session, storage_fixture_sessions, utc

from shop_jobs.contract import (
    CHECKOUT_STARTED,
    ORDER_COMPLETED,
    ORDER_REFUNDED,
    ORDER_UPDATED,
    PAYMENT_ATTEMPTED,
    PRODUCT_VIEWED,
)
from shop_jobs.transforms.sessions import sessionize


def assert_sessions(actual: DataFrame, expected: DataFrame) -> None:
    """expected comes from make_sessions, so its schema is the contract's (generated/spark/sessions.json)."""
    # Row order is not part of the contract; column order and types are.
    assertSchemaEqual(actual.schema, expected.schema, ignoreNullable=True)
    assertDataFrameEqual(actual, expected, checkRowOrder=False)


def test_output_is_the_contracts_sessions_schema(sessions_schema, storage_rows):
    """Column names, order and types of packages/event-schema's sessions row, then the dt partition."""
    assertSchemaEqual(sessionize(storage_rows).schema, sessions_schema.full, ignoreNullable=True)


def test_shared_storage_fixture_rows(make_sessions, storage_rows):
    """The rows the TypeScript mapping produces from the shared wire fixtures."""
    expected = make_sessions(*storage_fixture_sessions())
    assert_sessions(sessionize(storage_rows), expected)


def test_gap_of_exactly_the_limit_continues_the_session(make_sessions, make_events):
    start = utc(2026, 11, 28, 9, 0)
    events = make_events(
        {"event_id": "a", "anonymous_id": "anon", "event_ts": start},
        {"event_id": "b", "anonymous_id": "anon", "event_ts": start + timedelta(minutes=30)},
    )
    expected = make_sessions(
        session(
            anonymous_id="anon",
            first_event_id="a",
            session_start=start,
            session_end=start + timedelta(minutes=30),
            event_count=2,
        ),
    )
    assert_sessions(sessionize(events, gap_minutes=30), expected)


def test_gap_one_millisecond_over_the_limit_starts_a_new_session(make_sessions, make_events):
    start = utc(2026, 11, 28, 9, 0)
    later = start + timedelta(minutes=30, milliseconds=1)
    events = make_events(
        {"event_id": "a", "anonymous_id": "anon", "event_ts": start},
        {"event_id": "b", "anonymous_id": "anon", "event_ts": later},
    )
    expected = make_sessions(
        session(anonymous_id="anon", first_event_id="a", session_start=start),
        session(anonymous_id="anon", first_event_id="b", session_start=later),
    )
    assert_sessions(sessionize(events, gap_minutes=30), expected)


def test_gap_minutes_is_a_parameter(make_sessions, make_events):
    start = utc(2026, 11, 28, 9, 0)
    events = make_events(
        {"event_id": "a", "anonymous_id": "anon", "event_ts": start},
        {"event_id": "b", "anonymous_id": "anon", "event_ts": start + timedelta(minutes=11)},
    )
    expected = make_sessions(
        session(anonymous_id="anon", first_event_id="a", session_start=start),
        session(anonymous_id="anon", first_event_id="b", session_start=start + timedelta(minutes=11)),
    )
    assert_sessions(sessionize(events, gap_minutes=10), expected)


def test_duplicate_event_ids_count_once(make_sessions, make_events):
    start = utc(2026, 11, 28, 9, 0)
    order = {
        "event_id": "order",
        "anonymous_id": "anon",
        "event_name": ORDER_COMPLETED,
        "revenue": 50.0,
        "event_ts": start + timedelta(minutes=1),
    }
    events = make_events(
        {
            "event_id": "page",
            "anonymous_id": "anon",
            "event_type": "page",
            "page_path": "/",
            "event_ts": start,
        },
        order,
        # The same order redelivered by an at-least-once hop, received later.
        {**order, "received_at": start + timedelta(minutes=5)},
        {
            "event_id": "page",
            "anonymous_id": "anon",
            "event_type": "page",
            "page_path": "/",
            "event_ts": start,
            "received_at": start + timedelta(hours=1),
        },
    )
    expected = make_sessions(
        session(
            anonymous_id="anon",
            first_event_id="page",
            session_start=start,
            session_end=start + timedelta(minutes=1),
            event_count=2,
            page_views=1,
            orders=1,
            revenue=50.0,
            landing_page="/",
        ),
    )
    assert_sessions(sessionize(events), expected)


def test_the_winning_copy_decides_whether_an_event_is_in_a_session(make_sessions, make_events):
    """The dedup rule picks the copy first, over all copies; only then are events without an
    anonymous_id left out. Filtering first would keep a copy the rule drops (the views would not)."""
    start = utc(2026, 11, 28, 9, 0)
    signed_in = {"event_id": "sign-in", "user_id": "u-1", "event_ts": start + timedelta(minutes=1)}
    events = make_events(
        {"event_id": "page", "anonymous_id": "anon", "event_type": "page", "page_path": "/", "event_ts": start},
        # Received first, from a server-side call without the browser's anonymous_id: this copy wins.
        {**signed_in, "anonymous_id": None},
        {**signed_in, "anonymous_id": "anon", "received_at": start + timedelta(minutes=2)},
    )
    expected = make_sessions(
        session(
            anonymous_id="anon",
            first_event_id="page",
            session_start=start,
            page_views=1,
            is_bounce=True,
            landing_page="/",
        ),
    )
    assert_sessions(sessionize(events), expected)


def test_revenue_is_order_completed_revenue_only_and_counted_once(make_sessions, make_events):
    """Checkout, payment and refund events around one order of 30.75, in files of both schema versions."""
    start = utc(2026, 11, 28, 9, 0)
    order = {
        "event_id": "order",
        "anonymous_id": "anon",
        "event_name": ORDER_COMPLETED,
        "revenue": 30.75,
        "currency": "BRL",
        "event_ts": start + timedelta(minutes=3),
    }
    events = make_events(
        # Schema version 2: the checkout's amount is in checkout_value, the payment's in payment_amount.
        {"event_id": "checkout", "anonymous_id": "anon", "event_name": CHECKOUT_STARTED, "checkout_value": 30.75,
         "currency": "BRL", "event_ts": start},
        {"event_id": "payment", "anonymous_id": "anon", "event_name": PAYMENT_ATTEMPTED, "payment_amount": 30.75,
         "currency": "BRL", "event_ts": start + timedelta(minutes=1)},
        # Files of schema version 1 also put the order's value in revenue on these events.
        {"event_id": "v1-checkout", "anonymous_id": "anon", "event_name": CHECKOUT_STARTED, "revenue": 30.75,
         "currency": "BRL", "schema_version": 1, "event_ts": start + timedelta(minutes=2)},
        order,
        {**order, "received_at": start + timedelta(minutes=9)},
        {"event_id": "v1-update", "anonymous_id": "anon", "event_name": ORDER_UPDATED, "revenue": 30.75,
         "currency": "BRL", "schema_version": 1, "event_ts": start + timedelta(minutes=4)},
        # A refund is net revenue for the lake, but not part of what the session sold.
        {"event_id": "refund", "anonymous_id": "anon", "event_name": ORDER_REFUNDED, "revenue": -10.0,
         "currency": "BRL", "event_ts": start + timedelta(minutes=5)},
    )  # fmt: skip
    expected = make_sessions(
        session(
            anonymous_id="anon",
            first_event_id="checkout",
            session_start=start,
            session_end=start + timedelta(minutes=5),
            event_count=6,
            orders=1,
            revenue=30.75,
            checkout_started=True,
        ),
    )
    assert_sessions(sessionize(events), expected)


def test_session_spanning_midnight_belongs_to_the_day_it_started(make_sessions, make_events):
    events = make_events(
        {"event_id": "late", "anonymous_id": "anon", "event_ts": utc(2026, 11, 27, 23, 50)},
        {"event_id": "after", "anonymous_id": "anon", "event_ts": utc(2026, 11, 28, 0, 15)},
        {"event_id": "next", "anonymous_id": "anon", "event_ts": utc(2026, 11, 28, 0, 40)},
    )
    expected = make_sessions(
        session(
            anonymous_id="anon",
            first_event_id="late",
            session_start=utc(2026, 11, 27, 23, 50),
            session_end=utc(2026, 11, 28, 0, 40),
            event_count=3,
            dt="2026-11-27",
        ),
    )
    assert_sessions(sessionize(events), expected)


def test_user_id_is_the_last_one_known_in_the_session(make_sessions, make_events):
    start = utc(2026, 11, 28, 9, 0)
    events = make_events(
        {"event_id": "1", "anonymous_id": "anon", "event_ts": start},
        {"event_id": "2", "anonymous_id": "anon", "event_type": "identify", "user_id": "u-1",
         "event_ts": start + timedelta(minutes=1)},
        {"event_id": "3", "anonymous_id": "anon", "event_ts": start + timedelta(minutes=2)},
        # A second login on the same device within the session: the later user wins.
        {"event_id": "4", "anonymous_id": "anon", "user_id": "u-2", "event_ts": start + timedelta(minutes=3)},
        {"event_id": "5", "anonymous_id": "anon", "event_ts": start + timedelta(minutes=4)},
        # Another device, never identified.
        {"event_id": "6", "anonymous_id": "other", "event_ts": start},
    )  # fmt: skip
    expected = make_sessions(
        session(
            anonymous_id="anon",
            first_event_id="1",
            user_id="u-2",
            session_start=start,
            session_end=start + timedelta(minutes=4),
            event_count=5,
        ),
        session(anonymous_id="other", first_event_id="6", session_start=start),
    )
    assert_sessions(sessionize(events), expected)


def test_first_event_decides_id_and_campaign_with_event_id_breaking_ties(make_sessions, make_events):
    start = utc(2026, 11, 28, 9, 0)
    events = make_events(
        {"event_id": "b", "anonymous_id": "anon", "event_type": "page", "page_path": "/b",
         "utm_source": "ads", "utm_medium": "cpc", "utm_campaign": "b", "event_ts": start},
        {"event_id": "a", "anonymous_id": "anon", "event_ts": start, "utm_source": "mail"},
        {"event_id": "c", "anonymous_id": "anon", "event_type": "page", "page_path": "/c",
         "utm_source": "ads", "event_ts": start + timedelta(seconds=1)},
    )  # fmt: skip
    expected = make_sessions(
        session(
            anonymous_id="anon",
            first_event_id="a",
            session_start=start,
            session_end=start + timedelta(seconds=1),
            event_count=3,
            page_views=2,
            # "a" is first (same time, smaller id) and has no page path: the first non-null one lands.
            landing_page="/b",
            exit_page="/c",
            utm_source="mail",
            # utm_source without a medium that says more: a campaign.
            channel="campaign",
        ),
    )
    assert_sessions(sessionize(events), expected)


def test_counts_revenue_and_bounces(make_sessions, make_events):
    start = utc(2026, 11, 28, 9, 0)
    events = make_events(
        # Shopper: views, orders twice; only orders' revenue counts.
        {"event_id": "s1", "anonymous_id": "shopper", "event_type": "page", "page_path": "/p/1", "event_ts": start},
        {"event_id": "s2", "anonymous_id": "shopper", "event_name": PRODUCT_VIEWED, "product_id": "p1",
         "event_ts": start + timedelta(seconds=10)},
        {"event_id": "s3", "anonymous_id": "shopper", "event_name": CHECKOUT_STARTED, "checkout_value": 999.0,
         "event_ts": start + timedelta(seconds=20)},
        {"event_id": "s4", "anonymous_id": "shopper", "event_name": ORDER_COMPLETED, "revenue": 20.5,
         "event_ts": start + timedelta(seconds=30)},
        {"event_id": "s5", "anonymous_id": "shopper", "event_name": ORDER_COMPLETED, "revenue": 10.25,
         "event_ts": start + timedelta(seconds=40)},
        # Bouncer: one page view and an identify, which is no interaction.
        {"event_id": "b1", "anonymous_id": "bouncer", "event_type": "page", "page_path": "/", "event_ts": start},
        {"event_id": "b2", "anonymous_id": "bouncer", "event_type": "identify", "user_id": "u-9",
         "event_ts": start + timedelta(seconds=5)},
        # Reader: two page views is no bounce.
        {"event_id": "r1", "anonymous_id": "reader", "event_type": "page", "page_path": "/a", "event_ts": start},
        {"event_id": "r2", "anonymous_id": "reader", "event_type": "page", "page_path": "/b",
         "event_ts": start + timedelta(minutes=2)},
    )  # fmt: skip
    expected = make_sessions(
        session(
            anonymous_id="shopper",
            first_event_id="s1",
            session_start=start,
            session_end=start + timedelta(seconds=40),
            event_count=5,
            page_views=1,
            product_views=1,
            orders=2,
            revenue=30.75,
            landing_page="/p/1",
            checkout_started=True,
        ),
        session(
            anonymous_id="bouncer",
            first_event_id="b1",
            user_id="u-9",
            session_start=start,
            session_end=start + timedelta(seconds=5),
            event_count=2,
            page_views=1,
            is_bounce=True,
            landing_page="/",
        ),
        session(
            anonymous_id="reader",
            first_event_id="r1",
            session_start=start,
            session_end=start + timedelta(minutes=2),
            event_count=2,
            page_views=2,
            landing_page="/a",
            exit_page="/b",
        ),
    )
    assert_sessions(sessionize(events), expected)


def test_dt_is_the_utc_day_whatever_the_session_time_zone(spark, make_events):
    events = make_events({"event_id": "a", "anonymous_id": "anon", "event_ts": utc(2026, 11, 28, 23, 30)})
    previous = spark.conf.get("spark.sql.session.timeZone")
    spark.conf.set("spark.sql.session.timeZone", "Asia/Tokyo")
    try:
        days = [row.dt for row in sessionize(events).select("dt").collect()]
    finally:
        spark.conf.set("spark.sql.session.timeZone", previous)
    assert days == ["2026-11-28"]


def test_session_ids_are_stable_across_runs_and_input_order(make_events):
    start = utc(2026, 11, 28, 9, 0)
    rows = [
        {"event_id": f"e{i}", "anonymous_id": f"anon-{i % 3}", "event_ts": start + timedelta(minutes=7 * i)}
        for i in range(12)
    ]
    forward = sessionize(make_events(*rows)).select("session_id", "event_count")
    backward = sessionize(make_events(*reversed(rows)).repartition(3)).select("session_id", "event_count")
    assertDataFrameEqual(forward, backward, checkRowOrder=False)


def test_rejects_a_non_positive_gap(make_events):
    events = make_events({"event_id": "a", "anonymous_id": "anon", "event_ts": utc(2026, 11, 28)})
    with pytest.raises(ValueError, match="gap_minutes"):
        sessionize(events, gap_minutes=0)


def test_session_describes_cart_checkout_exit_device_browser_country_and_channel(make_sessions, make_events):
    start = utc(2026, 11, 28, 9, 0)
    events = make_events(
        # The first event has no device or country (a server-side call): the first that has them counts.
        {"event_id": "a", "anonymous_id": "anon", "event_name": "Signed In", "event_ts": start,
         "page_referrer": "https://www.google.com/", "page_url": "https://shop.example/"},
        {"event_id": "b", "anonymous_id": "anon", "event_type": "page", "page_path": "/p/1", "event_ts": start
         + timedelta(seconds=1), "ua_device_type": "mobile", "ua_browser": "Safari", "geo_country": "PT"},
        {"event_id": "c", "anonymous_id": "anon", "event_name": "Product Added", "event_ts": start
         + timedelta(seconds=2), "ua_device_type": "desktop", "geo_country": "ES"},
        {"event_id": "d", "anonymous_id": "anon", "event_name": "Product Added", "event_ts": start
         + timedelta(seconds=3)},
        {"event_id": "e", "anonymous_id": "anon", "event_type": "page", "page_path": "/cart", "event_ts": start
         + timedelta(seconds=4)},
        {"event_id": "f", "anonymous_id": "anon", "event_name": CHECKOUT_STARTED, "event_ts": start
         + timedelta(seconds=5)},
    )  # fmt: skip
    expected = make_sessions(
        session(
            anonymous_id="anon",
            first_event_id="a",
            session_start=start,
            session_end=start + timedelta(seconds=5),
            event_count=6,
            page_views=2,
            landing_page="/p/1",
            exit_page="/cart",
            cart_adds=2,
            checkout_started=True,
            device_type="mobile",
            browser="Safari",
            country="PT",
            channel="organic_search",
        ),
    )
    assert_sessions(sessionize(events), expected)


def test_new_visitor_is_the_earliest_session_known_for_the_anonymous_id(spark, make_sessions, make_events):
    start = utc(2026, 11, 28, 9, 0)
    events = make_events(
        {"event_id": "a1", "anonymous_id": "returning", "event_ts": start},
        {"event_id": "a2", "anonymous_id": "returning", "event_ts": start + timedelta(hours=2)},
        {"event_id": "b1", "anonymous_id": "fresh", "event_ts": start},
        {"event_id": "b2", "anonymous_id": "fresh", "event_ts": start + timedelta(hours=2)},
    )
    # The users table knows "returning" from a week before (its person's first session); "fresh" it does not.
    known = spark.createDataFrame(
        [("returning", start - timedelta(days=7)), ("someone-else", start - timedelta(days=1))],
        "anonymous_id string, first_seen timestamp",
    )
    expected = make_sessions(
        session(anonymous_id="returning", first_event_id="a1", session_start=start, is_new_visitor=False),
        session(
            anonymous_id="returning",
            first_event_id="a2",
            session_start=start + timedelta(hours=2),
            is_new_visitor=False,
        ),
        session(anonymous_id="fresh", first_event_id="b1", session_start=start, is_new_visitor=True),
        session(
            anonymous_id="fresh", first_event_id="b2", session_start=start + timedelta(hours=2), is_new_visitor=False
        ),
    )
    assert_sessions(sessionize(events, known_visitors=known), expected)
