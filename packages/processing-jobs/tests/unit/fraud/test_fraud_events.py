from __future__ import annotations

import json
import numbers
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from fraud_support import IP_1, T0, event, load_test_rules, order, page, payment
from support import STORAGE_ROWS

from shop_jobs.contract import CHECKOUT_STARTED, ORDER_COMPLETED, PAYMENT_ATTEMPTED, PRODUCT_VIEWED
from shop_jobs.fraud import FRAUD_COLUMNS, STATE_FIELD_TYPES, STATE_FIELDS, FraudEvent, Scope, is_scored, keys_of


def fixture_rows() -> dict[str, dict]:
    rows = [json.loads(line) for line in STORAGE_ROWS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {row["event_id"]: row for row in rows}


def test_every_storage_fixture_row_becomes_a_fraud_event():
    rows = fixture_rows()
    events = [FraudEvent.from_row(row) for row in rows.values()]
    assert len(events) == len(rows)
    assert all(isinstance(e.event_ts, int) for e in events)


def test_a_payment_row_keeps_the_payment_signals():
    payment_row = fixture_rows()["0190f7a0-0001-7000-8000-000000000012"]
    e = FraudEvent.from_row(payment_row)
    assert e.event_name == PAYMENT_ATTEMPTED
    assert e.event_ts == int(datetime(2026, 11, 28, 10, 4, 30, tzinfo=UTC).timestamp()) * 1000
    assert e.received_at == e.event_ts + 250
    assert (e.payment_amount, e.currency, e.payment_status, e.decline_code) == (
        199.8,
        "BRL",
        "declined",
        "insufficient_funds",
    )
    assert (e.card_fingerprint, e.card_bin, e.card_country, e.geo_country) == ("fp_1a2b3c4d", "411111", "US", "BR")
    assert e.anonymous_id is None
    assert e.amount == 199.8


def test_a_sign_in_row_keeps_the_account_creation_time():
    e = FraudEvent.from_row(fixture_rows()["0190f7a0-0001-7000-8000-000000000013"])
    assert e.auth_status == "success"
    assert e.account_created_at == int(datetime(2025, 3, 14, 9, 26, 53, tzinfo=UTC).timestamp()) * 1000
    assert e.is_successful_sign_in


@pytest.mark.parametrize(
    "value",
    [
        "2026-11-28T10:00:00.250Z",
        "2026-11-28T10:00:00.250+00:00",
        "2026-11-28T07:00:00.250-03:00",
        datetime(2026, 11, 28, 10, 0, 0, 250_000, tzinfo=UTC),
        datetime(2026, 11, 28, 7, 0, 0, 250_999, tzinfo=timezone(timedelta(hours=-3))),
        datetime(2026, 11, 28, 10, 0, 0, 250_000),  # naive: taken as UTC
        T0 + 250,
        float(T0 + 250),
    ],
)
def test_timestamps_in_every_form_give_the_same_epoch_ms(value):
    assert FraudEvent.from_row({"event_id": "e", "event_type": "track", "event_ts": value}).event_ts == T0 + 250


class Int64:
    """Stands in for numpy.int64 (an Integral that is not an int), as pandas gives epoch-ms columns."""

    def __init__(self, value: int) -> None:
        self.value = value

    def __int__(self) -> int:
        return self.value


numbers.Integral.register(Int64)


def test_an_epoch_ms_integer_of_another_integral_type_is_read():
    assert FraudEvent.from_row({"event_id": "e", "event_type": "track", "event_ts": Int64(T0)}).event_ts == T0


def test_a_date_is_midnight_utc():
    row = {"event_id": "e", "event_type": "identify", "event_ts": T0, "account_created_at": date(2026, 11, 28)}
    assert FraudEvent.from_row(row).account_created_at == T0 - 10 * 3600 * 1000


class NAType:
    """Stands in for pandas.NA, whose truth value is an error (pandas is not installed here)."""

    def __bool__(self) -> bool:
        raise TypeError("boolean value of NA is ambiguous")


def test_pandas_style_missing_values_are_none():
    nan = float("nan")
    row = {
        "event_id": "e",
        "event_type": "track",
        "event_name": ORDER_COMPLETED,
        "event_ts": T0,
        "revenue": nan,
        "user_id": nan,
        "is_bot": NAType(),
        "account_created_at": None,
        "payment_amount": float("inf"),
    }
    e = FraudEvent.from_row(row)
    assert (e.revenue, e.user_id, e.is_bot, e.account_created_at, e.payment_amount) == (None, None, None, None, None)


def test_a_row_without_id_type_or_time_is_refused():
    with pytest.raises(ValueError, match="needs event_id, event_type and event_ts"):
        FraudEvent.from_row({"event_id": "e", "event_type": "track", "event_ts": None})
    with pytest.raises(ValueError, match="needs event_id"):
        FraudEvent.from_row({"event_type": "track", "event_ts": T0})


def test_the_state_tuple_round_trips_and_its_schema_names_every_field():
    e = payment(0, user_id="u1", anonymous_id="d1", ip_anonymized=IP_1, is_bot=False, account_created_at=T0 - 5)
    state = e.to_state()
    assert FraudEvent.from_state(state) == e
    assert FraudEvent.from_state(list(state)) == e
    assert all(v is None or type(v) in (str, int, float, bool) for v in state)
    assert tuple(STATE_FIELD_TYPES) == STATE_FIELDS == FRAUD_COLUMNS
    assert STATE_FIELD_TYPES["event_ts"] == "long"
    assert STATE_FIELD_TYPES["is_bot"] == "boolean"
    assert STATE_FIELD_TYPES["revenue"] == "double"
    assert STATE_FIELD_TYPES["card_bin"] == "string"


def test_only_track_orders_payments_and_checkouts_are_scored():
    assert is_scored(order(0))
    assert is_scored(payment(0))
    assert is_scored(event(CHECKOUT_STARTED, 0))
    assert not is_scored(event(PRODUCT_VIEWED, 0))
    assert not is_scored(page(0, name=ORDER_COMPLETED))


def test_the_amount_is_revenue_payment_amount_or_checkout_value():
    assert order(0, revenue=12.5).amount == 12.5
    assert payment(0, amount=7.0).amount == 7.0
    assert event(CHECKOUT_STARTED, 0, checkout_value=3.0, revenue=99.0).amount == 3.0
    assert event(PRODUCT_VIEWED, 0, revenue=99.0).amount is None


def test_an_event_is_filed_under_each_key_it_has():
    e = payment(0, user_id="u1", anonymous_id="d1", ip_anonymized=IP_1, card="c1")
    assert keys_of(e, load_test_rules()) == {Scope.ACCOUNT: "u1", Scope.DEVICE: "d1", Scope.IP: IP_1, Scope.CARD: "c1"}
    assert keys_of(page(0, anonymous_id="d1", user_id=""), load_test_rules()) == {Scope.DEVICE: "d1"}


@pytest.mark.parametrize("ip", ["127.0.0.0", "10.1.2.0", "192.168.0.0", "203.0.113.0", "::", "fe80::", "not-an-ip"])
def test_an_ip_that_is_not_globally_routable_is_no_key(ip):
    rules = load_test_rules()
    assert Scope.IP not in keys_of(page(0, ip_anonymized=ip), rules)


def test_non_global_ips_are_keys_when_the_config_says_so():
    rules = load_test_rules()
    keep = replace(rules, keys=replace(rules.keys, skip_non_global_ips=False))
    assert keys_of(page(0, ip_anonymized="127.0.0.0"), keep) == {Scope.IP: "127.0.0.0"}
