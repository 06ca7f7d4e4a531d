"""geo_mismatch (the IP's country vs billing, shipping and card countries) and impossible_travel (another IP country
within 2 hours for the account or device; rules-test.yaml)."""

from __future__ import annotations

from fraud_support import checkout, history, order, page, payment, tuned

from shop_jobs.fraud import Scope, reasons_for_event, reasons_for_scope


def test_an_order_from_another_country_than_its_billing_and_shipping_fires(rules):
    trigger = order(0, geo_country="PT", billing_country="BR", shipping_country="BR")
    [reason] = reasons_for_event(trigger, rules)
    assert reason.code == "geo_mismatch"
    assert reason.text == "IP country PT differs from the billing country (BR) and the shipping country (BR)"
    assert reason.evidence == {
        "geo_country": "PT",
        "mismatches": 2,
        "billing_country": "BR",
        "shipping_country": "BR",
        "min_mismatches": 1,
    }
    assert reason.weight == 0.2


def test_a_payment_with_a_card_from_another_country_fires(rules):
    [reason] = reasons_for_event(payment(0, geo_country="BR", card_country="US"), rules)
    assert reason.text == "IP country BR differs from the card's country (US)"


def test_matching_countries_or_an_unknown_ip_country_do_not_fire(rules):
    assert reasons_for_event(order(0, geo_country="BR", billing_country="BR", shipping_country="BR"), rules) == []
    assert reasons_for_event(order(0, geo_country=None, billing_country="BR", shipping_country="PT"), rules) == []
    assert reasons_for_event(order(0, geo_country="BR"), rules) == []


def test_fewer_mismatches_than_the_minimum_do_not_fire(rules):
    two = tuned(rules, "geo_mismatch", min_mismatches=2)
    assert reasons_for_event(order(0, geo_country="PT", billing_country="BR", shipping_country="PT"), two) == []
    [reason] = reasons_for_event(order(0, geo_country="PT", billing_country="BR", shipping_country="ES"), two)
    assert reason.text.endswith("(limit: 2 differences)")


def test_a_checkout_is_not_judged_for_geography(rules):
    assert reasons_for_event(checkout(0, geo_country="PT", billing_country="BR"), rules) == []


ACCOUNT = {"user_id": "user-1", "anonymous_id": "dev-1"}


def travel(trigger, past, rules, scope=Scope.ACCOUNT):
    return [r for r in reasons_for_scope(trigger, scope, past, rules) if r.rule == "impossible_travel"]


def test_an_account_seen_in_another_country_forty_minutes_before_fires(rules):
    past = history(page(-2400, geo_country="BR", **ACCOUNT))
    [reason] = travel(order(0, geo_country="PT", **ACCOUNT), past, rules)
    assert reason.code == "impossible_travel.account"
    assert reason.text == (
        "This account was seen in BR 40 minutes before this order from PT (limit: 2 hours between countries)"
    )
    assert reason.evidence == {
        "scope": "account",
        "key": "user-1",
        "country": "PT",
        "previous_country": "BR",
        "previous_event_id": past[0].event_id,
        "seconds_between": 2400.0,
        "min_travel_seconds": 7200,
    }


def test_a_country_change_after_a_plausible_flight_does_not_fire(rules):
    past = history(page(-11 * 3600, geo_country="BR", **ACCOUNT), page(-600, geo_country="PT", **ACCOUNT))
    assert travel(order(0, geo_country="PT", **ACCOUNT), past, rules) == []


def test_another_country_exactly_the_minimum_travel_time_before_counts(rules):
    assert len(travel(order(0, geo_country="PT", **ACCOUNT), [page(-7200, geo_country="BR", **ACCOUNT)], rules)) == 1
    assert travel(order(0, geo_country="PT", **ACCOUNT), [page(-7200.001, geo_country="BR", **ACCOUNT)], rules) == []


def test_the_latest_other_country_is_reported(rules):
    past = history(
        page(-3000, geo_country="AR", **ACCOUNT), page(-1200, geo_country="BR", **ACCOUNT), page(-60, **ACCOUNT)
    )
    [reason] = travel(payment(0, geo_country="PT", **ACCOUNT), past, rules, Scope.DEVICE)
    assert reason.code == "impossible_travel.device"
    assert (reason.evidence["previous_country"], reason.evidence["seconds_between"]) == ("BR", 1200.0)
    assert reason.text.startswith("This device was seen in BR 20 minutes before this payment from PT")
