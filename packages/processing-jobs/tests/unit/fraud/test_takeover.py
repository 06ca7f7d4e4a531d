"""The account-takeover rules (rules-test.yaml: a risky account event within 1 hour before an order of at least
500.00; "new" needs 3 earlier events of the account)."""

from __future__ import annotations

from fraud_support import DAY, address_change, history, order, page, password_reset, sign_in

from shop_jobs.contract import AUTH_STATUS_FAILED
from shop_jobs.fraud import Scope, reasons_for_scope

HOME = {"user_id": "user-1", "anonymous_id": "dev-home", "geo_country": "BR"}
ATTACKER = {"user_id": "user-1", "anonymous_id": "dev-x", "geo_country": "BR"}


def account_history(*extra):
    """Thirty days of the account's own activity from its home device in BR, then extra."""
    own = [
        sign_in(-30 * DAY, **HOME),
        order(-20 * DAY, revenue=200.0, **HOME),
        page(-10 * DAY, **HOME),
        page(-DAY, **HOME),
    ]
    return history(*own, *extra)


def takeover(trigger, past, rules):
    return [r for r in reasons_for_scope(trigger, Scope.ACCOUNT, past, rules) if r.rule.startswith("takeover_")]


def test_a_sign_in_from_a_new_device_then_a_big_order_fires_with_the_numbers(rules):
    past = account_history(sign_in(-1800, **ATTACKER))
    [reason] = takeover(order(0, revenue=1500.0, **ATTACKER), past, rules)
    assert reason.code == "takeover_new_device"
    assert reason.text == (
        "Sign-in from a device new to this account (its 4 events before the last 1 hour came from 1 device), "
        "30 minutes before this order of 1,500.00 BRL (rule: orders from 500.00 within 1 hour)"
    )
    assert reason.evidence["device"] == "dev-x"
    assert reason.evidence["known_devices"] == 1
    assert reason.evidence["prior_events"] == 4
    assert reason.evidence["seconds_before_order"] == 1800.0
    assert reason.evidence["order_amount"] == 1500.0
    assert reason.weight == 0.4


def test_events_of_the_new_device_just_before_its_sign_in_do_not_make_it_known(rules):
    """A page view that already carries the user id, or a password reset, comes from the same new device."""
    past = account_history(page(-1900, **ATTACKER), password_reset(-1850, **ATTACKER), sign_in(-1800, **ATTACKER))
    codes = sorted(r.code for r in takeover(order(0, revenue=1500.0, **ATTACKER), past, rules))
    assert codes == ["takeover_new_device", "takeover_password_reset"]


def test_a_sign_in_from_a_known_device_does_not_fire(rules):
    past = account_history(sign_in(-1800, **HOME))
    assert takeover(order(0, revenue=1500.0, **HOME), past, rules) == []


def test_a_new_device_is_not_judged_on_an_account_with_too_little_history(rules):
    past = history(sign_in(-DAY, **HOME), page(-DAY + 10, **HOME), sign_in(-1800, **ATTACKER))
    assert takeover(order(0, revenue=1500.0, **ATTACKER), past, rules) == []


def test_a_failed_sign_in_from_a_new_device_does_not_fire(rules):
    past = account_history(sign_in(-1800, auth_status=AUTH_STATUS_FAILED, **ATTACKER))
    assert takeover(order(0, revenue=1500.0, **ATTACKER), past, rules) == []


def test_a_small_order_after_a_new_device_sign_in_does_not_fire(rules):
    past = account_history(sign_in(-1800, **ATTACKER))
    assert takeover(order(0, revenue=499.99, **ATTACKER), past, rules) == []


def test_a_sign_in_exactly_one_window_before_the_order_counts_and_one_a_millisecond_earlier_does_not(rules):
    assert len(takeover(order(0, revenue=900.0, **ATTACKER), account_history(sign_in(-3600, **ATTACKER)), rules)) == 1
    assert takeover(order(0, revenue=900.0, **ATTACKER), account_history(sign_in(-3600.001, **ATTACKER)), rules) == []


def test_a_sign_in_from_a_new_country_then_a_big_order_fires(rules):
    abroad = {**HOME, "geo_country": "PT"}
    past = account_history(sign_in(-1800, **abroad))
    [reason] = takeover(order(0, revenue=1500.0, **abroad), past, rules)
    assert reason.code == "takeover_new_country"
    assert reason.text == (
        "Sign-in from PT, a country new to this account (its 4 events before the last 1 hour came from BR), "
        "30 minutes before this order of 1,500.00 BRL (rule: orders from 500.00 within 1 hour)"
    )
    assert reason.evidence["known_countries"] == ["BR"]
    assert reason.weight == 0.3


def test_a_new_device_in_a_new_country_gives_both_reasons(rules):
    past = account_history(sign_in(-600, **{**ATTACKER, "geo_country": "PT"}))
    reasons = takeover(order(0, revenue=1500.0, **ATTACKER), past, rules)
    assert sorted(r.code for r in reasons) == ["takeover_new_country", "takeover_new_device"]


def test_a_password_reset_then_a_big_order_fires(rules):
    past = account_history(password_reset(-900, **HOME))
    [reason] = takeover(order(0, revenue=600.0, **HOME), past, rules)
    assert reason.code == "takeover_password_reset"
    assert reason.text == (
        "Password reset 15 minutes before this order of 600.00 BRL (rule: orders from 500.00 within 1 hour)"
    )
    assert reason.evidence["event_id"] == past[-1].event_id


def test_a_password_reset_long_before_the_order_does_not_fire(rules):
    past = account_history(password_reset(-7200, **HOME))
    assert takeover(order(0, revenue=600.0, **HOME), past, rules) == []


def test_a_shipping_address_change_then_a_big_order_fires_and_names_the_new_country(rules):
    past = account_history(address_change(-300, "PT", **HOME))
    [reason] = takeover(order(0, revenue=600.0, **HOME), past, rules)
    assert reason.code == "takeover_address_change"
    assert reason.text == (
        "Shipping address changed (to PT) 5 minutes before this order of 600.00 BRL "
        "(rule: orders from 500.00 within 1 hour)"
    )
    assert reason.evidence["shipping_country"] == "PT"


def test_account_events_after_the_order_are_not_read(rules):
    trigger = order(0, revenue=600.0, **HOME)
    past = account_history(password_reset(60, **HOME))
    assert takeover(trigger, past, rules) == []
