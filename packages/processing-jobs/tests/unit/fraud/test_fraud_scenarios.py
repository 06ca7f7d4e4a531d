"""End to end on the shipped default rules: streams of events like the load generator's fraud scenarios alert, its
hard negatives do not. `replay` files every event under its keys and scores the scorable ones, as the streaming
job does."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from fraud_support import (
    DAY,
    HOUR,
    address_change,
    alerts,
    checkout,
    declined,
    order,
    page,
    password_reset,
    payment,
    product_view,
    replay,
    sign_in,
)

from shop_jobs.fraud import alert_id, load_rules
from shop_jobs.fraud.events import DEVICE_TYPE_BOT, FraudEvent


class Clock:
    """Seconds from T0 that move forward as a visit goes on."""

    def __init__(self, start: float, rnd: random.Random) -> None:
        self.now = start
        self.rnd = rnd

    def wait(self, low: float, high: float | None = None) -> float:
        self.now += low if high is None else self.rnd.uniform(low, high)
        return self.now


def visit(
    clock: Clock,
    keys: dict,
    *,
    amount: float | None,
    card: str = "card-1",
    card_country: str = "BR",
    billing: str = "BR",
    shipping: str = "BR",
    sign_in_first: bool = False,
    declined_first: bool = False,
) -> Iterator[FraudEvent]:
    """A shopper's visit as the load generator makes one: browse, view products, check out, pay (server side, with
    the shopper's device, IP and country), order."""
    rnd = clock.rnd
    yield page(clock.wait(0), **keys)
    if sign_in_first:
        yield sign_in(clock.wait(5, 20), **keys)
    yield page(clock.wait(5, 30), name="Category", **keys)
    for _ in range(rnd.randint(1, 4)):
        yield page(clock.wait(5, 60), name="Product", **keys)
        yield product_view(clock.wait(0.2), **keys)
    if amount is None:
        return
    yield checkout(clock.wait(10, 40), value=amount, **keys)
    card_fields = {"card": card, "card_country": card_country, "amount": amount}
    if declined_first:
        yield declined(clock.wait(20, 60), decline_code="insufficient_funds", **card_fields, **keys)
    yield payment(clock.wait(20, 60), **card_fields, **keys)
    yield order(
        clock.wait(1, 5),
        revenue=amount,
        billing_country=billing,
        shipping_country=shipping,
        card_fingerprint=card,
        **keys,
    )


def home_history(rnd: random.Random, keys: dict, *, days: int, visits: int, low: float, high: float) -> list:
    """An account's own past: visits with a sign-in and an order, spread over the last `days` days, ending a day ago."""
    events: list[FraudEvent] = []
    for i in range(visits):
        start = -days * DAY + i * (days - 1) * DAY / max(visits - 1, 1)
        events.extend(visit(Clock(start, rnd), keys, amount=round(rnd.uniform(low, high), 2), sign_in_first=True))
    return events


def by_time(*streams: list) -> list:
    return sorted((e for stream in streams for e in stream), key=lambda e: (e.event_ts, e.event_id))


@pytest.fixture(scope="module")
def default():
    return load_rules()


# --- the fraud patterns ------------------------------------------------------------------------------------------


def card_tester() -> list:
    keys = {"anonymous_id": "dev-tester", "ip_anonymized": "45.67.89.0", "geo_country": "US"}
    events = [page(0, **keys)]
    for i in range(10):
        status = "authorized" if i in (3, 8) else "declined"
        events.append(
            payment(20 + 15 * i, status=status, amount=1.0, card=f"tc-{i}", bin=f"4{i}1111", card_country="GB", **keys)
        )
    return events


def account_takeover(rnd: random.Random) -> list:
    victim = {
        "user_id": "user-victim",
        "anonymous_id": "dev-victim",
        "ip_anonymized": "177.45.12.0",
        "geo_country": "BR",
    }
    attacker = {
        "user_id": "user-victim",
        "anonymous_id": "dev-attacker",
        "ip_anonymized": "41.58.0.0",
        "geo_country": "NG",
    }
    past = home_history(rnd, victim, days=30, visits=6, low=150, high=400)
    clock = Clock(2 * HOUR, rnd)
    attack = [
        page(clock.wait(0), **attacker),
        sign_in(clock.wait(10), **attacker),
        address_change(clock.wait(60), "NG", **attacker),
        *visit(clock, attacker, amount=2500.0, card="card-victim", shipping="NG"),
    ]
    return by_time(past, attack)


def takeover_from_home_country(rnd: random.Random) -> list:
    victim = {
        "user_id": "user-victim-2",
        "anonymous_id": "dev-victim-2",
        "ip_anonymized": "177.45.13.0",
        "geo_country": "BR",
    }
    attacker = {
        "user_id": "user-victim-2",
        "anonymous_id": "dev-attacker-2",
        "ip_anonymized": "177.99.1.0",
        "geo_country": "BR",
    }
    past = home_history(rnd, victim, days=30, visits=6, low=150, high=400)
    clock = Clock(3 * HOUR, rnd)
    attack = [
        password_reset(clock.wait(0), **attacker),
        sign_in(clock.wait(60), **attacker),
        *visit(clock, attacker, amount=1800.0, card="card-victim-2"),
    ]
    return by_time(past, attack)


def scripted_checkout() -> list:
    keys = {"anonymous_id": "dev-script", "ip_anonymized": "89.160.20.0", "geo_country": "BR"}
    return [
        page(4 * HOUR, **keys),
        checkout(4 * HOUR + 2, value=899.0, **keys),
        payment(4 * HOUR + 3, amount=899.0, card="card-s", card_country="BR", **keys),
        order(4 * HOUR + 4, revenue=899.0, billing_country="BR", shipping_country="BR", **keys),
    ]


def headless_checkout(rnd: random.Random) -> list:
    keys = {
        "anonymous_id": "dev-headless",
        "ip_anonymized": "89.160.21.0",
        "geo_country": "BR",
        "is_bot": True,
        "ua_device_type": DEVICE_TYPE_BOT,
    }
    return list(visit(Clock(5 * HOUR, rnd), keys, amount=299.0, card="card-h"))


# --- the hard negatives ------------------------------------------------------------------------------------------


def big_spender(rnd: random.Random) -> list:
    keys = {"user_id": "user-vip", "anonymous_id": "dev-vip", "ip_anonymized": "177.45.14.0", "geo_country": "BR"}
    past = home_history(rnd, keys, days=60, visits=20, low=900, high=4000)
    today = list(visit(Clock(6 * HOUR, rnd), keys, amount=4500.0, card="card-vip", sign_in_first=True))
    return by_time(past, today)


def traveller(rnd: random.Random) -> list:
    home = {"user_id": "user-trip", "anonymous_id": "dev-trip", "ip_anonymized": "177.45.15.0", "geo_country": "BR"}
    abroad = {**home, "ip_anonymized": "85.240.0.0", "geo_country": "PT"}
    past = home_history(rnd, home, days=30, visits=8, low=200, high=400)
    last_home = [page(-11 * HOUR, **home)]  # then an eleven-hour flight
    trip = list(visit(Clock(7 * HOUR, rnd), abroad, amount=700.0, card="card-trip", sign_in_first=True))
    return by_time(past, last_home, trip)


def declined_once_then_paid(rnd: random.Random) -> list:
    keys = {"user_id": "user-dec", "anonymous_id": "dev-dec", "ip_anonymized": "177.45.16.0", "geo_country": "BR"}
    return list(visit(Clock(8 * HOUR, rnd), keys, amount=350.0, card="card-dec", declined_first=True))


def ordinary_shoppers(rnd: random.Random, count: int = 40) -> list:
    """Shoppers like the load generator's: browsing, some buying, half of them signed in."""
    events = []
    for i in range(count):
        keys = {
            "anonymous_id": f"dev-shopper-{i}",
            "ip_anonymized": f"177.46.{i}.0",
            "geo_country": "BR",
            **({"user_id": f"user-shopper-{i}"} if i % 2 else {}),
        }
        amount = round(rnd.uniform(20, 1200), 2) if rnd.random() < 0.6 else None
        events.extend(visit(Clock(rnd.uniform(0, 2 * HOUR), rnd), keys, amount=amount, card=f"card-shopper-{i}"))
    return events


# --- the tests ---------------------------------------------------------------------------------------------------


def test_a_card_tester_alerts_on_card_testing_from_the_device_and_then_the_ip(default):
    alerted = alerts(replay(card_tester(), default))
    assert alerted
    first = alerted[0]
    assert first.score >= default.alert_threshold
    assert "from this device in 15 minutes" in next(r.text for r in first.reasons if r.code == "card_testing.device")
    # From an IP only declines count, and it takes one more of them (5) than from a device (4).
    assert "card_testing.ip" not in {r.code for r in first.reasons}
    from_ip = next(a for a in alerted if "card_testing.ip" in {r.code for r in a.reasons})
    assert next(r for r in from_ip.reasons if r.code == "card_testing.ip").evidence["limits_reached"] == [
        "5 declines at 60%"
    ]


def test_an_account_takeover_alerts_on_the_order(default):
    assessments = replay(account_takeover(random.Random(1)), default)
    [alert] = alerts(assessments)
    assert alert.event_name == "Order Completed"
    assert alert.user_id == "user-victim"
    assert {"takeover_new_device", "takeover_new_country", "takeover_address_change"} <= {r.code for r in alert.reasons}


def test_a_password_reset_and_a_new_device_before_a_big_order_alert_in_the_home_country(default):
    [alert] = alerts(replay(takeover_from_home_country(random.Random(2)), default))
    assert {r.code for r in alert.reasons} >= {"takeover_password_reset", "takeover_new_device"}
    assert alert.event_name == "Order Completed"


def test_a_scripted_checkout_seconds_after_landing_alerts(default):
    alerted = alerts(replay(scripted_checkout(), default))
    assert [a.event_name for a in alerted] == ["Checkout Started", "Order Completed"]
    assert {r.code for r in alerted[-1].reasons} == {"bot_fast_checkout", "bot_no_product_views"}


def test_a_headless_browser_checkout_alerts_on_its_user_agent(default):
    alerted = alerts(replay(headless_checkout(random.Random(3)), default))
    assert [a.event_name for a in alerted] == ["Checkout Started", "Order Completed"]
    assert all("bot_user_agent" in {r.code for r in a.reasons} for a in alerted)


def test_a_big_legitimate_spender_with_a_long_history_does_not_alert(default):
    assessments = replay(big_spender(random.Random(4)), default)
    assert len(assessments) == 3 * 21
    assert alerts(assessments) == []


def test_a_traveller_signing_in_abroad_after_a_plausible_flight_does_not_alert(default):
    assessments = replay(traveller(random.Random(5)), default)
    assert alerts(assessments) == []
    trip_order = assessments[-1]
    # The signals are there, each too weak alone: a sign-in from a new country, and an IP country unlike the billing.
    assert {r.code for r in trip_order.reasons} == {"takeover_new_country", "geo_mismatch"}
    assert trip_order.score == 44.0


def test_a_single_decline_followed_by_success_does_not_alert(default):
    assessments = replay(declined_once_then_paid(random.Random(6)), default)
    assert [a.event_name for a in assessments] == [
        "Checkout Started",
        "Payment Attempted",
        "Payment Attempted",
        "Order Completed",
    ]
    assert alerts(assessments) == []
    assert all(a.score == 0.0 for a in assessments)


def test_ordinary_shoppers_do_not_alert(default):
    assessments = replay(ordinary_shoppers(random.Random(7)), default)
    assert len(assessments) > 40
    assert alerts(assessments) == []


def mixed_stream() -> list:
    rnd = random.Random(11)
    return by_time(
        card_tester(),
        account_takeover(rnd),
        takeover_from_home_country(rnd),
        scripted_checkout(),
        headless_checkout(rnd),
        big_spender(rnd),
        traveller(rnd),
        declined_once_then_paid(rnd),
        ordinary_shoppers(rnd),
    )


def test_in_a_mixed_stream_exactly_the_fraudsters_alert(default):
    alerted = alerts(replay(mixed_stream(), default))
    devices = {a.anonymous_id for a in alerted}
    assert devices == {"dev-tester", "dev-attacker", "dev-attacker-2", "dev-script", "dev-headless"}


def test_replaying_a_stream_gives_the_same_alerts_with_the_same_ids(default):
    stream = mixed_stream()
    first = alerts(replay(stream, default))
    again = alerts(replay(stream, default))
    assert [a.to_dict() for a in again] == [a.to_dict() for a in first]
    assert all(a.alert_id == alert_id(default.version, a.event_id) for a in first)
    assert len({a.alert_id for a in first}) == len(first)
