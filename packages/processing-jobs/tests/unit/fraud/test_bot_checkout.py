"""bot_user_agent, bot_fast_checkout (less than 20 s after the session began) and bot_no_product_views (none in the
hour before; rules-test.yaml). Sessions end after 30 minutes without events."""

from __future__ import annotations

from fraud_support import checkout, history, order, page, product_view

from shop_jobs.fraud import Scope, reasons_for_scope
from shop_jobs.fraud.events import DEVICE_TYPE_BOT

DEVICE = {"anonymous_id": "dev-1"}


def bot(trigger, past, rules):
    return [r for r in reasons_for_scope(trigger, Scope.DEVICE, past, rules) if r.rule.startswith("bot_")]


def of_rule(rule, trigger, past, rules):
    return [r for r in bot(trigger, past, rules) if r.rule == rule]


def test_an_order_from_a_bot_user_agent_fires_even_without_a_device_id(rules):
    trigger = order(0, is_bot=True, ua_device_type=DEVICE_TYPE_BOT, anonymous_id=None, user_id="user-1")
    [reason] = of_rule("bot_user_agent", trigger, [], rules)
    assert reason.text == "This order came from a bot user agent (device type bot)"
    assert reason.evidence == {"on": "trigger", "is_bot": True, "ua_device_type": "bot"}
    assert reason.weight == 0.7


def test_a_bot_user_agent_earlier_in_the_session_fires_for_a_server_side_order(rules):
    past = history(page(-300, is_bot=True, ua_device_type=DEVICE_TYPE_BOT, **DEVICE), product_view(-200, **DEVICE))
    [reason] = of_rule("bot_user_agent", order(0, **DEVICE), past, rules)
    assert reason.text == "1 event of 2 in this device's session before this order came from a bot user agent"
    assert reason.evidence["first_bot_event_id"] == past[0].event_id


def test_a_bot_user_agent_in_an_earlier_session_does_not_fire(rules):
    past = history(page(-3 * 3600, is_bot=True, **DEVICE), product_view(-200, **DEVICE))
    assert of_rule("bot_user_agent", order(0, **DEVICE), past, rules) == []


def test_an_order_five_seconds_into_the_session_fires_as_fast(rules):
    past = history(page(-5, **DEVICE))
    [reason] = of_rule("bot_fast_checkout", order(0, **DEVICE), past, rules)
    assert reason.text == (
        "This order came 5 seconds after this device's session began, 1 event before it (minimum 20 seconds)"
    )
    assert reason.evidence == {
        "seconds_since_session_start": 5.0,
        "session_events_before": 1,
        "min_session_seconds": 20,
        "min_prior_events": 1,
    }


def test_an_order_exactly_the_minimum_into_the_session_is_not_fast(rules):
    assert of_rule("bot_fast_checkout", order(0, **DEVICE), [page(-20, **DEVICE)], rules) == []
    assert len(of_rule("bot_fast_checkout", order(0, **DEVICE), [page(-19.999, **DEVICE)], rules)) == 1


def test_the_session_starts_after_the_last_gap_longer_than_thirty_minutes(rules):
    past = history(page(-4000, **DEVICE), page(-10, **DEVICE))
    [reason] = of_rule("bot_fast_checkout", checkout(0, **DEVICE), past, rules)
    assert reason.text.startswith("This checkout came 10 seconds after this device's session began, 1 event")


def test_an_order_that_is_the_first_event_seen_from_a_device_is_not_judged(rules):
    assert of_rule("bot_fast_checkout", order(0, **DEVICE), [], rules) == []
    assert of_rule("bot_no_product_views", order(0, **DEVICE), [], rules) == []


def test_an_order_with_no_product_viewed_in_the_last_hour_fires(rules):
    past = history(page(-120, **DEVICE), page(-60, name="Cart", **DEVICE))
    [reason] = of_rule("bot_no_product_views", order(0, **DEVICE), past, rules)
    assert (
        reason.text
        == "No product viewed from this device in the 1 hour before this order (2 other events in that time)"
    )
    assert reason.evidence == {
        "product_views": 0,
        "events_in_lookback": 2,
        "lookback_seconds": 3600,
        "min_prior_events": 1,
    }


def test_a_product_viewed_exactly_one_lookback_before_counts(rules):
    assert of_rule("bot_no_product_views", order(0, **DEVICE), [product_view(-3600, **DEVICE)], rules) == []
    past = history(product_view(-3600.001, **DEVICE), page(-60, **DEVICE))
    assert len(of_rule("bot_no_product_views", order(0, **DEVICE), past, rules)) == 1


def test_a_shopper_who_browsed_gives_no_bot_reason(rules):
    past = history(page(-300, **DEVICE), product_view(-240, **DEVICE), page(-60, name="Cart", **DEVICE))
    assert bot(order(0, **DEVICE), past, rules) == []


def test_an_order_without_a_device_id_is_judged_for_its_user_agent_only(rules):
    trigger = order(0, user_id="user-1")
    assert bot(trigger, [page(-5, **DEVICE)], rules) == []
