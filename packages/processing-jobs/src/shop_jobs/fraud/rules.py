"""The fraud rules: each a pure function from the trigger event, one key's history and the rules config to zero
or more reasons.

Every rule but geo_mismatch reads the history of one key only (an account, a device, an IP, a card), so the
streaming job can evaluate each key where its state lives and merge the reasons afterwards (`reasons_for_scope`
per key, `reasons_for_event` once, then shop_jobs.fraud.score.assess). A rule's `past` is that key's events at
or before the trigger's time, without the trigger (features.past_of), sorted by event time; windows include
their start (features). Thresholds come from the config only. The README's "Fraud scoring" section lists the
rules and their reason codes.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

from shop_jobs.contract import (
    CHECKOUT_STARTED,
    ORDER_COMPLETED,
    PASSWORD_RESET,
    PAYMENT_ATTEMPTED,
    PAYMENT_STATUS_DECLINED,
    PAYMENT_STATUS_ERROR,
    PRODUCT_VIEWED,
    SHIPPING_ADDRESS_CHANGED,
)
from shop_jobs.fraud.config import RulesConfig, Takeover
from shop_jobs.fraud.events import FraudEvent, Scope, scope_key
from shop_jobs.fraud.features import (
    MS_PER_SECOND,
    decline_ratio,
    distinct,
    in_window,
    latest,
    named,
    order_keys,
    past_of,
    robust_z,
    session_start_index,
    window_start,
)
from shop_jobs.fraud.reasons import Reason, duration, money, percent, plural

ScopedCheck = Callable[[FraudEvent, Scope, "str | None", Sequence[FraudEvent], RulesConfig], list[Reason]]
EventCheck = Callable[[FraudEvent, RulesConfig], list[Reason]]

_ORDER = frozenset({ORDER_COMPLETED})
_PAYMENT = frozenset({PAYMENT_ATTEMPTED})
_ORDER_OR_PAYMENT = frozenset({ORDER_COMPLETED, PAYMENT_ATTEMPTED})
_ORDER_OR_CHECKOUT = frozenset({ORDER_COMPLETED, CHECKOUT_STARTED})
_MAX_LISTED_IDS = 10


def _what(trigger: FraudEvent) -> str:
    """How a reason names its trigger: 'this order', 'this payment', 'this checkout'."""
    return {ORDER_COMPLETED: "this order", PAYMENT_ATTEMPTED: "this payment", CHECKOUT_STARTED: "this checkout"}.get(
        trigger.event_name or "", "this event"
    )


def _ago(trigger: FraudEvent, earlier: FraudEvent) -> float:
    return (trigger.event_ts - earlier.event_ts) / MS_PER_SECOND


def _reason(config: RulesConfig, rule: str, scope: Scope | None, text: str, evidence: dict[str, Any]) -> Reason:
    code = rule if scope is None else f"{rule}.{scope.value}"
    return Reason(code=code, text=text, evidence=evidence, weight=config.weight(rule))


# --- card testing ------------------------------------------------------------------------------------------------


def card_testing(
    trigger: FraudEvent, scope: Scope, key: str | None, past: Sequence[FraudEvent], config: RulesConfig
) -> list[Reason]:
    """Many payment attempts, many distinct cards or BINs, or mostly declines, from one key in a short window.

    Counts the trigger and the key's Payment Attempted events in the window; attempts with status error (the
    provider failed, not the card) are not counted.
    """
    s = config.rules.card_testing
    limits = s.limits[scope]
    attempts = [
        e
        for e in in_window(past, trigger.event_ts, s.window_seconds)
        if e.event_name == PAYMENT_ATTEMPTED and e.payment_status != PAYMENT_STATUS_ERROR
    ]
    if trigger.payment_status != PAYMENT_STATUS_ERROR:
        attempts.append(trigger)
    count = len(attempts)
    cards = distinct(attempts, lambda e: e.card_fingerprint)
    bins = distinct(attempts, lambda e: e.card_bin)
    declines = sum(1 for e in attempts if e.payment_status == PAYMENT_STATUS_DECLINED)
    ratio = decline_ratio(declines, count)
    reached = []
    if limits.min_attempts is not None and count >= limits.min_attempts:
        reached.append(f"{limits.min_attempts} attempts")
    if limits.min_distinct_cards is not None and len(cards) >= limits.min_distinct_cards:
        reached.append(f"{limits.min_distinct_cards} cards")
    if limits.min_distinct_bins is not None and len(bins) >= limits.min_distinct_bins:
        reached.append(f"{limits.min_distinct_bins} BINs")
    if (
        limits.min_declines is not None
        and limits.min_decline_ratio is not None
        and declines >= limits.min_declines
        and ratio >= limits.min_decline_ratio
    ):
        reached.append(f"{limits.min_declines} declines at {percent(limits.min_decline_ratio)}")
    if not reached:
        return []
    text = (
        f"{plural(count, 'payment attempt')} with {plural(len(cards), 'different card')} "
        f"({plural(len(bins), 'BIN')}), {declines} declined ({percent(ratio)}), from this {scope.noun} "
        f"in {duration(s.window_seconds)} (limits reached: {', '.join(reached)})"
    )
    evidence: dict[str, Any] = {
        "scope": scope.value,
        "key": key,
        "window_seconds": s.window_seconds,
        "attempts": count,
        "distinct_cards": len(cards),
        "distinct_bins": len(bins),
        "declines": declines,
        "decline_ratio": round(ratio, 4),
        "limits_reached": reached,
    }
    # The scope's limits, as configured (one left out does not apply to it).
    evidence.update(limits.configured())
    return [_reason(config, "card_testing", scope, text, evidence)]


# --- velocity ----------------------------------------------------------------------------------------------------


def velocity_orders(
    trigger: FraudEvent, scope: Scope, key: str | None, past: Sequence[FraudEvent], config: RulesConfig
) -> list[Reason]:
    """More than max_orders distinct orders (the trigger's included) for one key in the window."""
    limit = config.rules.velocity_orders.limits[scope]
    orders = order_keys(named(in_window(past, trigger.event_ts, limit.window_seconds), ORDER_COMPLETED))
    orders.add(trigger.order_id or trigger.event_id)
    if len(orders) <= limit.limit:
        return []
    max_orders = int(limit.limit)
    text = (
        f"{plural(len(orders), 'order')} from this {scope.noun} in {duration(limit.window_seconds)} "
        f"(limit {max_orders})"
    )
    evidence = {
        "scope": scope.value,
        "key": key,
        "window_seconds": limit.window_seconds,
        "orders": len(orders),
        "max_orders": max_orders,
        "order_ids": sorted(orders)[:_MAX_LISTED_IDS],
    }
    return [_reason(config, "velocity_orders", scope, text, evidence)]


def velocity_amount(
    trigger: FraudEvent, scope: Scope, key: str | None, past: Sequence[FraudEvent], config: RulesConfig
) -> list[Reason]:
    """More than max_amount paid by one key in the window: the amounts of Payment Attempted events that were not
    declined or errored, in the trigger's currency, the trigger's included. A declined trigger moves no money and
    is not scored by this rule."""
    if trigger.payment_status in (PAYMENT_STATUS_DECLINED, PAYMENT_STATUS_ERROR) or trigger.payment_amount is None:
        return []
    limit = config.rules.velocity_amount.limits[scope]
    currency = trigger.currency
    paid = [
        e.payment_amount
        for e in in_window(past, trigger.event_ts, limit.window_seconds)
        if e.event_name == PAYMENT_ATTEMPTED
        and e.payment_amount is not None
        and e.payment_status not in (PAYMENT_STATUS_DECLINED, PAYMENT_STATUS_ERROR)
        and e.currency == currency
    ]
    paid.append(trigger.payment_amount)
    total = sum(paid)
    if total <= limit.limit:
        return []
    text = (
        f"{plural(len(paid), 'payment')} of {money(total, currency)} in total from this {scope.noun} "
        f"in {duration(limit.window_seconds)} (limit {money(limit.limit)})"
    )
    evidence = {
        "scope": scope.value,
        "key": key,
        "window_seconds": limit.window_seconds,
        "payments": len(paid),
        "amount": round(total, 2),
        "currency": currency,
        "max_amount": limit.limit,
    }
    return [_reason(config, "velocity_amount", scope, text, evidence)]


# --- account takeover --------------------------------------------------------------------------------------------


def _takeover_order(trigger: FraudEvent, s: Takeover) -> float | None:
    """The order's amount when it is big enough for the takeover rules to look at it."""
    amount = trigger.amount
    return amount if amount is not None and amount >= s.min_order_amount else None


def _takeover_evidence(trigger: FraudEvent, earlier: FraudEvent, s: Takeover, amount: float) -> dict[str, Any]:
    return {
        "event_id": earlier.event_id,
        "seconds_before_order": _ago(trigger, earlier),
        "order_amount": amount,
        "currency": trigger.currency,
        "min_order_amount": s.min_order_amount,
        "window_seconds": s.window_seconds,
    }


def _takeover_tail(trigger: FraudEvent, earlier: FraudEvent, s: Takeover, amount: float) -> str:
    return (
        f"{duration(_ago(trigger, earlier))} before {_what(trigger)} of {money(amount, trigger.currency)} "
        f"(rule: orders from {money(s.min_order_amount)} within {duration(s.window_seconds)})"
    )


def _new_sign_in(
    trigger: FraudEvent,
    past: Sequence[FraudEvent],
    s: Takeover,
    value: Callable[[FraudEvent], str | None],
) -> tuple[FraudEvent, set[str], int] | None:
    """The latest successful sign-in in the window whose value (device, country) the account's events before the
    window never had, with the values they had and how many of them had one. None when there is none, or when
    fewer than min_prior_events events before the window had a value (too little known to call anything new).

    What is known is taken from before the window, not from before the sign-in: the events just before a sign-in
    (a page view that already carries the user id, a password reset) come from the same device and country, and
    would make every sign-in look familiar.
    """
    start = window_start(past, trigger.event_ts, s.window_seconds)
    known_values = [v for v in map(value, past[:start]) if v]
    if len(known_values) < s.min_prior_events:
        return None
    known = set(known_values)
    for index in range(len(past) - 1, start - 1, -1):
        sign_in = past[index]
        new_value = value(sign_in)
        if sign_in.is_successful_sign_in and new_value and new_value not in known:
            return sign_in, known, len(known_values)
    return None


def takeover_new_device(
    trigger: FraudEvent, scope: Scope, key: str | None, past: Sequence[FraudEvent], config: RulesConfig
) -> list[Reason]:
    """A sign-in from a device the account had not used before the window, followed by a high-value order."""
    s = config.rules.takeover_new_device
    amount = _takeover_order(trigger, s)
    found = None if amount is None else _new_sign_in(trigger, past, s, lambda e: e.anonymous_id)
    if amount is None or found is None:
        return []
    sign_in, known, prior = found
    text = (
        f"Sign-in from a device new to this account (its {plural(prior, 'event')} before the last "
        f"{duration(s.window_seconds)} came from {plural(len(known), 'device')}), "
        f"{_takeover_tail(trigger, sign_in, s, amount)}"
    )
    evidence = _takeover_evidence(trigger, sign_in, s, amount) | {
        "device": sign_in.anonymous_id,
        "known_devices": len(known),
        "prior_events": prior,
        "min_prior_events": s.min_prior_events,
    }
    return [_reason(config, "takeover_new_device", None, text, evidence)]


def takeover_new_country(
    trigger: FraudEvent, scope: Scope, key: str | None, past: Sequence[FraudEvent], config: RulesConfig
) -> list[Reason]:
    """A sign-in from an IP country the account had not been seen in before the window, then a high-value order."""
    s = config.rules.takeover_new_country
    amount = _takeover_order(trigger, s)
    found = None if amount is None else _new_sign_in(trigger, past, s, lambda e: e.geo_country)
    if amount is None or found is None:
        return []
    sign_in, known, prior = found
    text = (
        f"Sign-in from {sign_in.geo_country}, a country new to this account (its {plural(prior, 'event')} before "
        f"the last {duration(s.window_seconds)} came from {', '.join(sorted(known))}), "
        f"{_takeover_tail(trigger, sign_in, s, amount)}"
    )
    evidence = _takeover_evidence(trigger, sign_in, s, amount) | {
        "country": sign_in.geo_country,
        "known_countries": sorted(known)[:_MAX_LISTED_IDS],
        "prior_events": prior,
        "min_prior_events": s.min_prior_events,
    }
    return [_reason(config, "takeover_new_country", None, text, evidence)]


def takeover_password_reset(
    trigger: FraudEvent, scope: Scope, key: str | None, past: Sequence[FraudEvent], config: RulesConfig
) -> list[Reason]:
    """A password reset, followed within the window by a high-value order."""
    s = config.rules.takeover_password_reset
    amount = _takeover_order(trigger, s)
    window = [] if amount is None else in_window(past, trigger.event_ts, s.window_seconds)
    found = latest(window, lambda e: e.event_name == PASSWORD_RESET)
    if amount is None or found is None:
        return []
    _, reset = found
    text = f"Password reset {_takeover_tail(trigger, reset, s, amount)}"
    return [_reason(config, "takeover_password_reset", None, text, _takeover_evidence(trigger, reset, s, amount))]


def takeover_address_change(
    trigger: FraudEvent, scope: Scope, key: str | None, past: Sequence[FraudEvent], config: RulesConfig
) -> list[Reason]:
    """A shipping-address change, followed within the window by a high-value order."""
    s = config.rules.takeover_address_change
    amount = _takeover_order(trigger, s)
    window = [] if amount is None else in_window(past, trigger.event_ts, s.window_seconds)
    found = latest(window, lambda e: e.event_name == SHIPPING_ADDRESS_CHANGED)
    if amount is None or found is None:
        return []
    _, change = found
    where = f" (to {change.shipping_country})" if change.shipping_country else ""
    text = f"Shipping address changed{where} {_takeover_tail(trigger, change, s, amount)}"
    evidence = _takeover_evidence(trigger, change, s, amount) | {"shipping_country": change.shipping_country}
    return [_reason(config, "takeover_address_change", None, text, evidence)]


# --- amounts -----------------------------------------------------------------------------------------------------


def _prior_orders(trigger: FraudEvent, orders: Sequence[FraudEvent]) -> dict[str, FraudEvent]:
    """The account's earlier orders, one per order id (first copy), the trigger's own order left out."""
    own = trigger.order_id or trigger.event_id
    prior: dict[str, FraudEvent] = {}
    for e in orders:
        order = e.order_id or e.event_id
        if order != own and order not in prior:
            prior[order] = e
    return prior


def amount_anomaly(
    trigger: FraudEvent, scope: Scope, key: str | None, past: Sequence[FraudEvent], config: RulesConfig
) -> list[Reason]:
    """An order far above the account's own earlier orders (same currency, within the lookback): a robust z-score
    (median and MAD) of at least min_robust_z and at least min_ratio_to_median times the median."""
    s = config.rules.amount_anomaly
    amount = trigger.revenue
    if amount is None or amount <= 0:
        return []
    window = named(in_window(past, trigger.event_ts, s.lookback_seconds), ORDER_COMPLETED)
    prior = _prior_orders(trigger, [e for e in window if e.currency == trigger.currency])
    amounts = [e.revenue for e in prior.values() if e.revenue is not None and e.revenue > 0]
    if len(amounts) < s.min_prior_orders:
        return []
    measured = robust_z(amount, amounts, s.mad_floor_ratio)
    if measured is None:
        return []
    z, center, mad = measured
    ratio = amount / center
    if z < s.min_robust_z or ratio < s.min_ratio_to_median:
        return []
    currency = trigger.currency
    text = (
        f"Order of {money(amount, currency)} is {z:.1f} robust z-scores and {ratio:.1f}x above this account's "
        f"median order of {money(center, currency)} (MAD {money(mad)}, {plural(len(amounts), 'order')} in "
        f"{duration(s.lookback_seconds)}; limits: z {s.min_robust_z:g} and {s.min_ratio_to_median:g}x)"
    )
    evidence = {
        "order_amount": amount,
        "currency": currency,
        "median": center,
        "mad": mad,
        "robust_z": round(z, 2),
        "ratio_to_median": round(ratio, 2),
        "prior_orders": len(amounts),
        "lookback_seconds": s.lookback_seconds,
        "min_robust_z": s.min_robust_z,
        "min_ratio_to_median": s.min_ratio_to_median,
    }
    return [_reason(config, "amount_anomaly", None, text, evidence)]


def new_account_order(
    trigger: FraudEvent, scope: Scope, key: str | None, past: Sequence[FraudEvent], config: RulesConfig
) -> list[Reason]:
    """A new account's first order, and a big one: the account was created at most max_account_age_seconds before
    it (account_created_at of the trigger, else the latest one the account's events carried), it has no earlier
    order, and the order is worth at least min_order_amount."""
    s = config.rules.new_account_order
    amount = trigger.revenue
    if amount is None or amount < s.min_order_amount:
        return []
    created_at = trigger.account_created_at
    if created_at is None:
        found = latest(past, lambda e: e.account_created_at is not None)
        created_at = None if found is None else found[1].account_created_at
    if created_at is None:
        return []
    age_seconds = max(0, trigger.event_ts - created_at) / MS_PER_SECOND
    if age_seconds > s.max_account_age_seconds:
        return []
    if _prior_orders(trigger, named(past, ORDER_COMPLETED)):
        return []
    text = (
        f"First order of an account created {duration(age_seconds)} before it, {money(amount, trigger.currency)} "
        f"(limits: orders from {money(s.min_order_amount)} within {duration(s.max_account_age_seconds)} "
        f"of creation)"
    )
    evidence = {
        "order_amount": amount,
        "currency": trigger.currency,
        "account_created_at": created_at,
        "account_age_seconds": age_seconds,
        "max_account_age_seconds": s.max_account_age_seconds,
        "min_order_amount": s.min_order_amount,
    }
    return [_reason(config, "new_account_order", None, text, evidence)]


# --- geography ---------------------------------------------------------------------------------------------------

_GEO_LABELS = {
    "billing_country": "the billing country",
    "shipping_country": "the shipping country",
    "card_country": "the card's country",
}


def geo_mismatch(trigger: FraudEvent, config: RulesConfig) -> list[Reason]:
    """The IP's country (geo_country) differs from at least min_mismatches of the trigger's billing, shipping and
    card countries (those it carries)."""
    s = config.rules.geo_mismatch
    country = trigger.geo_country
    if not country:
        return []
    differing = {f: v for f in s.fields if (v := getattr(trigger, f)) and v != country}
    if len(differing) < s.min_mismatches:
        return []
    listed = " and ".join(f"{_GEO_LABELS[f]} ({v})" for f, v in differing.items())
    text = f"IP country {country} differs from {listed}"
    if s.min_mismatches > 1:
        text += f" (limit: {s.min_mismatches} differences)"
    evidence: dict[str, Any] = {"geo_country": country, "mismatches": len(differing), **differing}
    evidence["min_mismatches"] = s.min_mismatches
    return [_reason(config, "geo_mismatch", None, text, evidence)]


def impossible_travel(
    trigger: FraudEvent, scope: Scope, key: str | None, past: Sequence[FraudEvent], config: RulesConfig
) -> list[Reason]:
    """The key was seen from another IP country within min_travel_seconds before the trigger (the window includes
    its start: another country exactly min_travel_seconds earlier still counts)."""
    s = config.rules.impossible_travel
    country = trigger.geo_country
    if not country:
        return []
    window = in_window(past, trigger.event_ts, s.min_travel_seconds)
    found = latest(window, lambda e: bool(e.geo_country) and e.geo_country != country)
    if found is None:
        return []
    _, other = found
    apart = _ago(trigger, other)
    text = (
        f"This {scope.noun} was seen in {other.geo_country} {duration(apart)} before {_what(trigger)} from "
        f"{country} (limit: {duration(s.min_travel_seconds)} between countries)"
    )
    evidence = {
        "scope": scope.value,
        "key": key,
        "country": country,
        "previous_country": other.geo_country,
        "previous_event_id": other.event_id,
        "seconds_between": apart,
        "min_travel_seconds": s.min_travel_seconds,
    }
    return [_reason(config, "impossible_travel", scope, text, evidence)]


# --- bot checkout ------------------------------------------------------------------------------------------------


def bot_user_agent(
    trigger: FraudEvent, scope: Scope, key: str | None, past: Sequence[FraudEvent], config: RulesConfig
) -> list[Reason]:
    """A bot user agent (is_bot, or ua_device_type "bot") on the trigger or on an event of the device's current
    session (a server-side order carries the shop's user agent, the browser events before it the shopper's)."""
    if trigger.has_bot_agent:
        text = f"{_what(trigger).capitalize()} came from a bot user agent (device type {trigger.ua_device_type})"
        evidence = {"on": "trigger", "is_bot": trigger.is_bot, "ua_device_type": trigger.ua_device_type}
        return [_reason(config, "bot_user_agent", None, text, evidence)]
    if key is None:
        return []
    session = past[session_start_index(past, trigger.event_ts, config.history.session_gap_seconds) :]
    bots = [e for e in session if e.has_bot_agent]
    if not bots:
        return []
    text = (
        f"{plural(len(bots), 'event')} of {len(session)} in this device's session before {_what(trigger)} came "
        f"from a bot user agent"
    )
    evidence = {
        "on": "session",
        "bot_events": len(bots),
        "session_events": len(session),
        "first_bot_event_id": bots[0].event_id,
    }
    return [_reason(config, "bot_user_agent", None, text, evidence)]


def bot_fast_checkout(
    trigger: FraudEvent, scope: Scope, key: str | None, past: Sequence[FraudEvent], config: RulesConfig
) -> list[Reason]:
    """The trigger came less than min_session_seconds after the first event of the device's current session,
    which had at least min_prior_events events before the trigger. Exactly min_session_seconds is not fast."""
    s = config.rules.bot_fast_checkout
    start = session_start_index(past, trigger.event_ts, config.history.session_gap_seconds)
    earlier = len(past) - start
    if earlier < s.min_prior_events:
        return []
    began = past[start].event_ts if earlier else trigger.event_ts
    elapsed = (trigger.event_ts - began) / MS_PER_SECOND
    if elapsed >= s.min_session_seconds:
        return []
    text = (
        f"{_what(trigger).capitalize()} came {duration(elapsed)} after this device's session began, "
        f"{plural(earlier, 'event')} before it (minimum {duration(s.min_session_seconds)})"
    )
    evidence = {
        "seconds_since_session_start": elapsed,
        "session_events_before": earlier,
        "min_session_seconds": s.min_session_seconds,
        "min_prior_events": s.min_prior_events,
    }
    return [_reason(config, "bot_fast_checkout", None, text, evidence)]


def bot_no_product_views(
    trigger: FraudEvent, scope: Scope, key: str | None, past: Sequence[FraudEvent], config: RulesConfig
) -> list[Reason]:
    """No Product Viewed among the device's events in the lookback before the trigger, when there were at least
    min_prior_events of them."""
    s = config.rules.bot_no_product_views
    window = in_window(past, trigger.event_ts, s.lookback_seconds)
    if len(window) < s.min_prior_events or any(e.event_name == PRODUCT_VIEWED for e in window):
        return []
    text = (
        f"No product viewed from this device in the {duration(s.lookback_seconds)} before {_what(trigger)} "
        f"({plural(len(window), 'other event')} in that time)"
    )
    evidence = {
        "product_views": 0,
        "events_in_lookback": len(window),
        "lookback_seconds": s.lookback_seconds,
        "min_prior_events": s.min_prior_events,
    }
    return [_reason(config, "bot_no_product_views", None, text, evidence)]


# --- the registry ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScopedRule:
    id: str
    triggers: frozenset[str]
    scopes: Callable[[RulesConfig], Collection[Scope]]
    check: ScopedCheck
    # False: the rule also judges the trigger alone when it has no key for the scope (bot_user_agent).
    needs_key: bool = True


@dataclass(frozen=True)
class EventRule:
    id: str
    triggers: frozenset[str]
    check: EventCheck


def _only(scope: Scope) -> Callable[[RulesConfig], Collection[Scope]]:
    return lambda _config: (scope,)


SCOPED_RULES: tuple[ScopedRule, ...] = (
    ScopedRule("card_testing", _PAYMENT, lambda c: c.rules.card_testing.limits.keys(), card_testing),
    ScopedRule("velocity_orders", _ORDER, lambda c: c.rules.velocity_orders.limits.keys(), velocity_orders),
    ScopedRule("velocity_amount", _PAYMENT, lambda c: c.rules.velocity_amount.limits.keys(), velocity_amount),
    ScopedRule("takeover_new_device", _ORDER, _only(Scope.ACCOUNT), takeover_new_device),
    ScopedRule("takeover_new_country", _ORDER, _only(Scope.ACCOUNT), takeover_new_country),
    ScopedRule("takeover_password_reset", _ORDER, _only(Scope.ACCOUNT), takeover_password_reset),
    ScopedRule("takeover_address_change", _ORDER, _only(Scope.ACCOUNT), takeover_address_change),
    ScopedRule("amount_anomaly", _ORDER, _only(Scope.ACCOUNT), amount_anomaly),
    ScopedRule("new_account_order", _ORDER, _only(Scope.ACCOUNT), new_account_order),
    ScopedRule("impossible_travel", _ORDER_OR_PAYMENT, lambda c: c.rules.impossible_travel.scopes, impossible_travel),
    ScopedRule("bot_user_agent", _ORDER_OR_CHECKOUT, _only(Scope.DEVICE), bot_user_agent, needs_key=False),
    ScopedRule("bot_fast_checkout", _ORDER_OR_CHECKOUT, _only(Scope.DEVICE), bot_fast_checkout),
    ScopedRule("bot_no_product_views", _ORDER_OR_CHECKOUT, _only(Scope.DEVICE), bot_no_product_views),
)
EVENT_RULES: tuple[EventRule, ...] = (EventRule("geo_mismatch", _ORDER_OR_PAYMENT, geo_mismatch),)


def reasons_for_scope(
    trigger: FraudEvent, scope: Scope, history: Sequence[FraudEvent], config: RulesConfig
) -> list[Reason]:
    """The reasons of every enabled rule that reads this scope's history, for this trigger.

    history: the events kept for the trigger's key in this scope (shop_jobs.fraud.history.update_history keeps
    them sorted); it may hold the trigger itself and events after it, which are left out. Call it for each Scope,
    with an empty history when the trigger has no key there or the key has no state yet.
    """
    key = scope_key(trigger, scope, skip_non_global_ips=config.keys.skip_non_global_ips)
    past: list[FraudEvent] | None = None
    reasons: list[Reason] = []
    for rule in SCOPED_RULES:
        if trigger.event_name not in rule.triggers or not getattr(config.rules, rule.id).enabled:
            continue
        if scope not in rule.scopes(config) or (key is None and rule.needs_key):
            continue
        if past is None:
            past = past_of(history, trigger) if key is not None else []
        reasons.extend(rule.check(trigger, scope, key, past, config))
    return reasons


def reasons_for_event(trigger: FraudEvent, config: RulesConfig) -> list[Reason]:
    """The reasons of the rules that read the trigger alone (geo_mismatch)."""
    reasons: list[Reason] = []
    for rule in EVENT_RULES:
        if trigger.event_name in rule.triggers and getattr(config.rules, rule.id).enabled:
            reasons.extend(rule.check(trigger, config))
    return reasons
