"""Builders for the fraud tests: events at second offsets from T0, the test rules, and a tiny stand-in for the
streaming job (`replay`) that files events under their keys and scores the scorable ones."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from shop_jobs.contract import (
    CHECKOUT_STARTED,
    ORDER_COMPLETED,
    PASSWORD_RESET,
    PAYMENT_ATTEMPTED,
    PAYMENT_STATUS_AUTHORIZED,
    PAYMENT_STATUS_DECLINED,
    PRODUCT_VIEWED,
    SHIPPING_ADDRESS_CHANGED,
    SIGNED_IN,
    SIGNED_UP,
)
from shop_jobs.fraud import (
    Assessment,
    FraudEvent,
    RulesConfig,
    Scope,
    is_scored,
    keys_of,
    load_rules,
    score_event,
    update_history,
)
from shop_jobs.fraud.features import sort_key

# 2026-11-28T10:00:00Z
T0 = 1_795_860_000_000
HOUR = 3600
DAY = 86_400
# The rule tests' own thresholds, so re-tuning the shipped default does not move them.
TEST_RULES_PATH = Path(__file__).with_name("rules-test.yaml")
# Globally routable addresses (documentation ranges are not, and are skipped as keys).
IP_1 = "81.2.69.0"
IP_2 = "177.45.12.0"

_ids = itertools.count(1)


def load_test_rules() -> RulesConfig:
    return load_rules(TEST_RULES_PATH)


def tuned(config: RulesConfig, rule: str, **changes: Any) -> RulesConfig:
    """config with some settings of one rule changed."""
    rules = replace(config.rules, **{rule: replace(getattr(config.rules, rule), **changes)})
    return replace(config, rules=rules)


def at(seconds: float) -> int:
    return T0 + round(seconds * 1000)


def event(name: str | None, t: float, *, event_type: str = "track", **fields: Any) -> FraudEvent:
    fields.setdefault("event_id", f"evt-{next(_ids):06d}")
    return FraudEvent(event_type=event_type, event_name=name, event_ts=at(t), **fields)


def page(t: float, name: str = "Home", **fields: Any) -> FraudEvent:
    return event(name, t, event_type="page", **fields)


def identify(t: float, **fields: Any) -> FraudEvent:
    return event(None, t, event_type="identify", **fields)


def product_view(t: float, **fields: Any) -> FraudEvent:
    fields.setdefault("product_id", "sku-100")
    return event(PRODUCT_VIEWED, t, **fields)


def checkout(t: float, value: float = 100.0, **fields: Any) -> FraudEvent:
    fields.setdefault("currency", "BRL")
    return event(CHECKOUT_STARTED, t, checkout_value=value, **fields)


def payment(
    t: float,
    status: str = PAYMENT_STATUS_AUTHORIZED,
    amount: float = 100.0,
    card: str | None = "card-1",
    bin: str | None = "411111",
    **fields: Any,
) -> FraudEvent:
    fields.setdefault("currency", "BRL")
    fields.setdefault("card_fingerprint", card)
    fields.setdefault("card_bin", bin)
    return event(PAYMENT_ATTEMPTED, t, payment_status=status, payment_amount=amount, **fields)


def declined(t: float, **fields: Any) -> FraudEvent:
    return payment(t, status=PAYMENT_STATUS_DECLINED, **fields)


def order(t: float, revenue: float = 100.0, **fields: Any) -> FraudEvent:
    fields.setdefault("currency", "BRL")
    fields.setdefault("order_id", f"order-{next(_ids):06d}")
    return event(ORDER_COMPLETED, t, revenue=revenue, **fields)


def sign_in(t: float, **fields: Any) -> FraudEvent:
    fields.setdefault("auth_status", "success")
    return event(SIGNED_IN, t, **fields)


def sign_up(t: float, **fields: Any) -> FraudEvent:
    return event(SIGNED_UP, t, **fields)


def password_reset(t: float, **fields: Any) -> FraudEvent:
    return event(PASSWORD_RESET, t, **fields)


def address_change(t: float, shipping_country: str, **fields: Any) -> FraudEvent:
    return event(SHIPPING_ADDRESS_CHANGED, t, shipping_country=shipping_country, **fields)


def history(*events: FraudEvent) -> list[FraudEvent]:
    """Events in the order histories are kept in."""
    return sorted(events, key=sort_key)


def codes(reasons: Iterable[Any]) -> list[str]:
    return sorted(r.code for r in reasons)


def replay(events: Iterable[FraudEvent], config: RulesConfig) -> list[Assessment]:
    """What the streaming job does, in miniature: events in arrival order; a scorable event is scored against its
    keys' histories, then every event is filed under its keys."""
    state: dict[tuple[Scope, str], list[FraudEvent]] = {}
    assessments = []
    for e in events:
        keys = keys_of(e, config)
        if is_scored(e):
            assessments.append(score_event(e, {s: state.get((s, k), []) for s, k in keys.items()}, config))
        for scope, key in keys.items():
            state[(scope, key)] = update_history(state.get((scope, key), []), [e], scope, config)
    return assessments


def alerts(assessments: Iterable[Assessment]) -> list[Assessment]:
    return [a for a in assessments if a.alert]
