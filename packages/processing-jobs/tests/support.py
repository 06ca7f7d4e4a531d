"""Helpers the tests import (tests/ is on pytest's pythonpath)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from shop_jobs.contract import ORDER_COMPLETED, PRODUCT_VIEWED

PACKAGE_DIR = Path(__file__).resolve().parents[1]
_CONTRACT_FIXTURES = Path("packages", "event-schema", "fixtures")


def _repo_root() -> Path:
    """The checkout this file is in: the first folder above it holding the contract's fixtures (found the
    way shop_jobs.schema finds the generated schema, so a moved package still finds them)."""
    for parent in Path(__file__).resolve().parents:
        if (parent / _CONTRACT_FIXTURES).is_dir():
            return parent
    raise FileNotFoundError(f"no {_CONTRACT_FIXTURES} above {Path(__file__).parent}")


REPO_ROOT = _repo_root()
FIXTURES = REPO_ROOT / _CONTRACT_FIXTURES
# One storage row per wire fixture.
STORAGE_ROWS = FIXTURES / "storage" / "rows.jsonl"
STORAGE_COLLECTED = FIXTURES / "storage" / "collected.jsonl"
# Deliveries of the same events (copies), the rows every reader keeps (winners, by event_id), and the
# labels and money figures over the winners (expected).
LAKE_COPIES = FIXTURES / "lake" / "copies.jsonl"
LAKE_WINNERS = FIXTURES / "lake" / "winners.jsonl"
LAKE_EXPECTED = FIXTURES / "lake" / "expected.json"


def stack_env() -> dict[str, str]:
    """stack.env at the repo root: the defaults behind whatever the environment sets."""
    values: dict[str, str] = {}
    for line in (REPO_ROOT / "stack.env").read_text(encoding="utf-8").splitlines():
        key, sep, value = line.partition("=")
        if sep and key.strip() and not key.lstrip().startswith("#"):
            values[key.strip()] = value.strip()
    if "AWS_REGION" not in values and "S3_REGION" in values:
        values["AWS_REGION"] = values["S3_REGION"]
    return values


def utc(*parts: int) -> datetime:
    """datetime(...) in UTC; the last part, if a seventh is given, is milliseconds."""
    if len(parts) == 7:
        *head, millis = parts
        return datetime(*head, millis * 1000, tzinfo=UTC)
    return datetime(*parts, tzinfo=UTC)


# A small lake around DAY for the job tests: what each day's run must (and must not) pick up.
DAY = "2026-11-28"
JOB_EVENTS = [
    # Seen by no run of DAY: yesterday morning, outside the one-gap lookback.
    {"event_id": "y1", "anonymous_id": "yesterday", "event_type": "page", "page_path": "/y",
     "event_ts": utc(2026, 11, 27, 10, 0)},
    # Starts yesterday and crosses midnight: yesterday's session, even though two of its events are DAY's.
    {"event_id": "n1", "anonymous_id": "night-owl", "event_ts": utc(2026, 11, 27, 23, 10)},
    {"event_id": "n2", "anonymous_id": "night-owl", "event_ts": utc(2026, 11, 27, 23, 50)},
    {"event_id": "n3", "anonymous_id": "night-owl", "event_ts": utc(2026, 11, 28, 0, 15)},
    {"event_id": "n4", "anonymous_id": "night-owl", "event_ts": utc(2026, 11, 28, 0, 40)},
    # DAY's shopper, with the order delivered twice.
    {"event_id": "s1", "anonymous_id": "shopper", "event_type": "page", "page_path": "/", "utm_source": "news",
     "utm_medium": "email", "utm_campaign": "bf", "event_ts": utc(2026, 11, 28, 10, 0)},
    {"event_id": "s2", "anonymous_id": "shopper", "event_name": PRODUCT_VIEWED, "product_id": "p1",
     "event_ts": utc(2026, 11, 28, 10, 1)},
    {"event_id": "s3", "anonymous_id": "shopper", "event_type": "identify", "user_id": "u-1",
     "event_ts": utc(2026, 11, 28, 10, 2)},
    {"event_id": "s4", "anonymous_id": "shopper", "event_name": ORDER_COMPLETED, "revenue": 42.5,
     "event_ts": utc(2026, 11, 28, 10, 5)},
    {"event_id": "s4", "anonymous_id": "shopper", "event_name": ORDER_COMPLETED, "revenue": 42.5,
     "event_ts": utc(2026, 11, 28, 10, 5), "received_at": utc(2026, 11, 28, 10, 9)},
    # Starts late on DAY and ends after midnight: DAY's session, finished from the next day's first hours.
    {"event_id": "l1", "anonymous_id": "late", "event_type": "page", "page_path": "/late",
     "event_ts": utc(2026, 11, 28, 23, 45)},
    {"event_id": "l2", "anonymous_id": "late", "event_ts": utc(2026, 11, 29, 0, 10)},
    # The next day's own sessions.
    {"event_id": "t1", "anonymous_id": "tomorrow", "event_ts": utc(2026, 11, 29, 1, 0)},
    {"event_id": "t2", "anonymous_id": "tomorrow", "event_ts": utc(2026, 11, 29, 5, 0)},
]  # fmt: skip


def session_id(anonymous_id: str, first_event_id: str) -> str:
    """The id the job must give a session: sha256 of 'anonymous_id|first event_id', 32 hex digits."""
    return hashlib.sha256(f"{anonymous_id}|{first_event_id}".encode()).hexdigest()[:32]


def session(**values) -> dict:
    """An expected sessions row: the defaults of a one-event track session, overridden by values."""
    row = {
        "user_id": None,
        "page_views": 0,
        "product_views": 0,
        "orders": 0,
        "revenue": 0.0,
        "is_bounce": False,
        "landing_page": None,
        "utm_source": None,
        "utm_medium": None,
        "utm_campaign": None,
        "event_count": 1,
        "cart_adds": 0,
        "checkout_started": False,
        "device_type": None,
        "browser": None,
        "country": None,
        "channel": "direct",
    }
    row.update(values)
    # A one-page session exits where it landed; tests of longer ones say where it exits.
    row.setdefault("exit_page", row["landing_page"])
    row.setdefault("session_end", row["session_start"])
    row.setdefault("duration_seconds", (row["session_end"] - row["session_start"]).total_seconds())
    row.setdefault("dt", row["session_start"].date().isoformat())
    row["session_id"] = session_id(row["anonymous_id"], row.pop("first_event_id"))
    return row


def expected_day_sessions() -> list[dict]:
    """DAY's sessions from JOB_EVENTS."""
    return [
        session(
            anonymous_id="shopper",
            first_event_id="s1",
            user_id="u-1",
            session_start=utc(2026, 11, 28, 10, 0),
            session_end=utc(2026, 11, 28, 10, 5),
            event_count=4,
            page_views=1,
            product_views=1,
            orders=1,
            revenue=42.5,
            landing_page="/",
            utm_source="news",
            utm_medium="email",
            utm_campaign="bf",
            channel="email",
        ),
        session(
            anonymous_id="late",
            first_event_id="l1",
            session_start=utc(2026, 11, 28, 23, 45),
            session_end=utc(2026, 11, 29, 0, 10),
            event_count=2,
            page_views=1,
            landing_page="/late",
        ),
    ]


def storage_fixture_sessions() -> list[dict]:
    """The sessions of the shared storage fixture rows (packages/event-schema/fixtures/storage/rows.jsonl).

    Rows without an anonymous_id (the refund, payment attempt, group, alias and shipping-address calls
    by user-7 and user-8) are in no session.
    """
    return [
        # page → Product Viewed → Product Added → identify → Checkout Started → Order Completed, five
        # minutes. The checkout's 179.8 is in checkout_value, not revenue: the order is counted once.
        session(
            anonymous_id="anon-fixture-1",
            first_event_id="0190f7a0-0001-7000-8000-000000000001",
            user_id="user-7",
            session_start=utc(2026, 11, 28, 10, 0),
            session_end=utc(2026, 11, 28, 10, 5),
            event_count=6,
            page_views=1,
            product_views=1,
            orders=1,
            revenue=179.8,
            landing_page="/",
            utm_source="news",
            utm_medium="email",
            utm_campaign="black-friday",
            cart_adds=1,
            checkout_started=True,
            exit_page="/p/sku-42",
            country="BR",
            channel="email",
        ),
        # One track call a millisecond before midnight: no page view, so no bounce.
        session(
            anonymous_id="anon-fixture-2",
            first_event_id="0190f7a0-0001-7000-8000-000000000007",
            session_start=utc(2026, 11, 28, 23, 59, 59, 999),
            country="BR",
        ),
        # A lone screen view is a page view, and a bounce; it starts the next UTC day.
        session(
            anonymous_id="anon-fixture-3",
            first_event_id="0190f7a0-0001-7000-8000-000000000008",
            session_start=utc(2026, 11, 29, 0, 0),
            country="BR",
            page_views=1,
            is_bounce=True,
        ),
        # A sign-in on another device: a track call that names its user.
        session(
            anonymous_id="anon-fixture-4",
            first_event_id="0190f7a0-0001-7000-8000-000000000013",
            user_id="user-7",
            session_start=utc(2026, 11, 28, 9, 58),
            country="BR",
        ),
        # An identify alone (with the account's created_at trait): a session of one, no bounce.
        session(
            anonymous_id="anon-fixture-5",
            first_event_id="0190f7a0-0001-7000-8000-000000000014",
            user_id="user-8",
            session_start=utc(2026, 11, 28, 11, 0),
            country="BR",
        ),
    ]


def lake_copies_sessions() -> list[dict]:
    """The sessions of the lake fixture's copies (packages/event-schema/fixtures/lake/copies.jsonl), whatever
    copies arrive: only anon-fixture-1 browses (the refund and payment attempt carry no anonymous_id).

    The order comes in three copies and the Checkout Started event names the same 179.8 (in
    checkout_value), yet the revenue is the order's, once. The order copy received later has another
    event_ts (10:05:00.100): had it won, the session would end 100 ms later.
    """
    return [
        session(
            anonymous_id="anon-fixture-1",
            first_event_id="0190f7a0-0001-7000-8000-000000000002",
            user_id="user-7",
            session_start=utc(2026, 11, 28, 10, 1),
            session_end=utc(2026, 11, 28, 10, 5),
            # Product Viewed, Product Added, Checkout Started, Order Completed.
            event_count=4,
            product_views=1,
            orders=1,
            revenue=179.8,
            # Product Viewed carries the page it was viewed on.
            landing_page="/p/sku-42",
            cart_adds=1,
            checkout_started=True,
            country="BR",
        ),
    ]
