"""The view of one event that the fraud rules read, and the keys an event is filed under.

A `FraudEvent` is built from a storage row (a dict with the `events` table's columns, as Spark, pandas, Arrow or
the contract's JSON fixtures give it) and holds only the columns the rules need. Times are epoch milliseconds (UTC)
everywhere in shop_jobs.fraud: integer arithmetic for windows, no time zone to get wrong, and the same value
whether the row came from Spark (timestamps), pandas (Timestamp) or JSON (ISO-8601 text).

The streaming job keeps, per key, a history of these events in its state store. `to_state()` gives a tuple of
plain values in `STATE_FIELDS` order (`STATE_FIELD_TYPES` spells their types for a state schema), and
`FraudEvent.from_state()` rebuilds the event without parsing anything.
"""

from __future__ import annotations

import ipaddress
import math
import numbers
import operator
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from enum import StrEnum
from functools import lru_cache
from typing import Any

from shop_jobs.contract import (
    AUTH_STATUS_FAILED,
    CHECKOUT_STARTED,
    DEVICE_TYPE_BOT,
    EVENT_TYPE_IDENTIFY,
    EVENT_TYPE_TRACK,
    ORDER_COMPLETED,
    PAYMENT_ATTEMPTED,
    SIGNED_IN,
    SIGNED_UP,
)

# The events a score is computed for: the moments a shop can still hold an order.
SCORED_EVENTS: frozenset[str] = frozenset({ORDER_COMPLETED, PAYMENT_ATTEMPTED, CHECKOUT_STARTED})

_MS_PER_SECOND = 1000


class Scope(StrEnum):
    """A key the streaming job keeps a history under, and the storage column it comes from."""

    ACCOUNT = "account"
    DEVICE = "device"
    IP = "ip"
    CARD = "card"

    @property
    def column(self) -> str:
        return _SCOPE_COLUMNS[self]

    @property
    def noun(self) -> str:
        """How a reason's text names the key: "from this device"."""
        return _SCOPE_NOUNS[self]


_SCOPE_COLUMNS = {
    Scope.ACCOUNT: "user_id",
    Scope.DEVICE: "anonymous_id",
    Scope.IP: "ip_anonymized",
    Scope.CARD: "card_fingerprint",
}
_SCOPE_NOUNS = {Scope.ACCOUNT: "account", Scope.DEVICE: "device", Scope.IP: "IP address", Scope.CARD: "card"}


@dataclass(frozen=True, slots=True)
class FraudEvent:
    """One event as the rules see it. Field names are the storage columns; times are epoch ms (UTC)."""

    event_id: str
    event_type: str
    event_name: str | None
    event_ts: int
    received_at: int | None = None
    anonymous_id: str | None = None
    user_id: str | None = None
    session_id: str | None = None
    ip_anonymized: str | None = None
    geo_country: str | None = None
    is_bot: bool | None = None
    ua_device_type: str | None = None
    product_id: str | None = None
    order_id: str | None = None
    checkout_id: str | None = None
    revenue: float | None = None
    checkout_value: float | None = None
    currency: str | None = None
    payment_amount: float | None = None
    payment_method: str | None = None
    payment_status: str | None = None
    decline_code: str | None = None
    card_fingerprint: str | None = None
    card_bin: str | None = None
    card_country: str | None = None
    billing_country: str | None = None
    shipping_country: str | None = None
    auth_status: str | None = None
    account_created_at: int | None = None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> FraudEvent:
        """From a storage row. Missing columns, None, NaN, NaT and pandas.NA are all "no value".

        Timestamps may be epoch ms (int), ISO-8601 text, `datetime`/`pandas.Timestamp` (naive ones are taken as
        UTC: run the job with spark.sql.session.timeZone=UTC, or pass epoch ms) or `date`.
        Raises ValueError when event_id, event_type or event_ts is missing or unreadable.
        """
        get = row.get
        event_id = _text(get("event_id"))
        event_type = _text(get("event_type"))
        event_ts = _epoch_ms(get("event_ts"))
        if event_id is None or event_type is None or event_ts is None:
            raise ValueError(
                f"a storage row needs event_id, event_type and event_ts; got {get('event_id')!r}, "
                f"{get('event_type')!r}, {get('event_ts')!r}"
            )
        return cls(
            event_id=event_id,
            event_type=event_type,
            event_name=_text(get("event_name")),
            event_ts=event_ts,
            received_at=_epoch_ms(get("received_at")),
            anonymous_id=_text(get("anonymous_id")),
            user_id=_text(get("user_id")),
            session_id=_text(get("session_id")),
            ip_anonymized=_text(get("ip_anonymized")),
            geo_country=_text(get("geo_country")),
            is_bot=_flag(get("is_bot")),
            ua_device_type=_text(get("ua_device_type")),
            product_id=_text(get("product_id")),
            order_id=_text(get("order_id")),
            checkout_id=_text(get("checkout_id")),
            revenue=_number(get("revenue")),
            checkout_value=_number(get("checkout_value")),
            currency=_text(get("currency")),
            payment_amount=_number(get("payment_amount")),
            payment_method=_text(get("payment_method")),
            payment_status=_text(get("payment_status")),
            decline_code=_text(get("decline_code")),
            card_fingerprint=_text(get("card_fingerprint")),
            card_bin=_text(get("card_bin")),
            card_country=_text(get("card_country")),
            billing_country=_text(get("billing_country")),
            shipping_country=_text(get("shipping_country")),
            auth_status=_text(get("auth_status")),
            account_created_at=_epoch_ms(get("account_created_at")),
        )

    @classmethod
    def from_state(cls, values: tuple[Any, ...] | list[Any]) -> FraudEvent:
        """From a `to_state()` tuple (plain values in STATE_FIELDS order); nothing is parsed."""
        return cls(*values)

    def to_state(self) -> tuple[Any, ...]:
        """Plain values (str, int, float, bool, None) in STATE_FIELDS order, for the job's state store."""
        # dataclasses.astuple deep-copies field by field: about 50 times slower, and the job calls this for
        # every kept event of a key at every batch (up to max_events each).
        return _STATE_VALUES(self)

    @property
    def amount(self) -> float | None:
        """The money this event is about: an order's revenue, a payment's amount, a checkout's value."""
        if self.event_name == ORDER_COMPLETED:
            return self.revenue
        if self.event_name == PAYMENT_ATTEMPTED:
            return self.payment_amount
        if self.event_name == CHECKOUT_STARTED:
            return self.checkout_value
        return None

    @property
    def has_bot_agent(self) -> bool:
        return self.is_bot is True or self.ua_device_type == DEVICE_TYPE_BOT

    @property
    def is_successful_sign_in(self) -> bool:
        """A Signed In whose status is not "failed" (a missing status counts as success, as Segment sends it)."""
        return self.event_name == SIGNED_IN and self.auth_status != AUTH_STATUS_FAILED

    @property
    def is_profile_event(self) -> bool:
        """Kept on an account for the long retention: orders, sign-ins and sign-ups, identify calls (which carry
        created_at). These are what says which devices and countries an account knows and what it usually spends."""
        return self.event_name in _PROFILE_EVENTS or self.event_type == EVENT_TYPE_IDENTIFY


_PROFILE_EVENTS = frozenset({ORDER_COMPLETED, SIGNED_IN, SIGNED_UP})

STATE_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(FraudEvent))
_STATE_VALUES = operator.attrgetter(*STATE_FIELDS)
# Spark SQL type names of STATE_FIELDS, for the job's state schema (`long` holds epoch ms).
_SPARK_TYPES = {"str": "string", "int": "long", "float": "double", "bool": "boolean"}
STATE_FIELD_TYPES: dict[str, str] = {
    f.name: _SPARK_TYPES[str(f.type).split("|")[0].strip()] for f in fields(FraudEvent)
}
# The storage columns from_row reads: what the streaming job needs to select from a parsed record.
FRAUD_COLUMNS: tuple[str, ...] = STATE_FIELDS


def is_scored(event: FraudEvent) -> bool:
    """Whether the streaming job should score this event (Order Completed, Payment Attempted, Checkout Started)."""
    return event.event_type == EVENT_TYPE_TRACK and event.event_name in SCORED_EVENTS


def scope_key(event: FraudEvent, scope: Scope, *, skip_non_global_ips: bool) -> str | None:
    """The event's key for a scope, or None when it has none.

    With skip_non_global_ips, an anonymised IP that is not globally routable (loopback, private, link-local,
    documentation ranges) gives no key: it is the collector's own host or a proxy, not the shopper, and every
    event behind it would share one history.
    """
    value: str | None = getattr(event, _SCOPE_COLUMNS[scope])
    if value is None or value == "":
        return None
    if scope is Scope.IP and skip_non_global_ips and not _is_global_ip(value):
        return None
    return value


@lru_cache(maxsize=65_536)
def _is_global_ip(text: str) -> bool:
    try:
        return ipaddress.ip_address(text).is_global
    except ValueError:
        return False


def _missing(value: Any) -> bool:
    # NaN and NaT are the only values unequal to themselves; pandas.NA compares to NA, whose truth is an error.
    if value is None:
        return True
    if type(value).__name__ in ("NAType", "NaTType"):
        return True
    return isinstance(value, float) and math.isnan(value)


def _text(value: Any) -> str | None:
    if _missing(value):
        return None
    return value if isinstance(value, str) else str(value)


def _number(value: Any) -> float | None:
    if _missing(value) or isinstance(value, bool):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _flag(value: Any) -> bool | None:
    if _missing(value):
        return None
    return bool(value)


def _epoch_ms(value: Any) -> int | None:
    if _missing(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"not a timestamp: {value!r}")
    # numbers.* also take numpy's int64 and float64, which pandas gives for epoch-ms columns.
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return int(value)
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return _floor_ms(value)
    if isinstance(value, date):
        return int(datetime(value.year, value.month, value.day, tzinfo=UTC).timestamp()) * _MS_PER_SECOND
    raise ValueError(f"not a timestamp: {value!r}")


def _floor_ms(value: datetime) -> int:
    """Epoch ms of an aware datetime, in integers (a float timestamp() can land a millisecond short), floored
    like Spark's unix_millis."""
    delta = value - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * _MS_PER_SECOND + delta.microseconds // 1000
