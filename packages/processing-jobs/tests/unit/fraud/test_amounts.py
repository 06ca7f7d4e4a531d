"""amount_anomaly (5 earlier orders in 30 days; robust z >= 6 and >= 3x the median) and new_account_order (first
order of at least 1,000.00 within 1 day of the account's creation; rules-test.yaml)."""

from __future__ import annotations

import pytest
from fraud_support import DAY, HOUR, at, history, identify, order

from shop_jobs.fraud import Scope, reasons_for_scope

ACCOUNT = {"user_id": "user-1", "anonymous_id": "dev-1"}


def of_rule(rule, trigger, past, rules):
    return [r for r in reasons_for_scope(trigger, Scope.ACCOUNT, past, rules) if r.rule == rule]


def orders(*amounts, currency="BRL"):
    return [order(-DAY * (i + 1), revenue=a, currency=currency, **ACCOUNT) for i, a in enumerate(amounts)]


def test_an_order_far_above_the_accounts_own_orders_fires_with_the_numbers(rules):
    past = history(*orders(100.0, 120.0, 80.0, 130.0, 70.0))
    [reason] = of_rule("amount_anomaly", order(0, revenue=1000.0, **ACCOUNT), past, rules)
    z = (1000.0 - 100.0) / (1.4826 * 20.0)
    assert reason.text == (
        f"Order of 1,000.00 BRL is {z:.1f} robust z-scores and 10.0x above this account's median order of "
        "100.00 BRL (MAD 20.00, 5 orders in 30 days; limits: z 6 and 3x)"
    )
    assert reason.evidence == {
        "order_amount": 1000.0,
        "currency": "BRL",
        "median": 100.0,
        "mad": 20.0,
        "robust_z": round(z, 2),
        "ratio_to_median": 10.0,
        "prior_orders": 5,
        "lookback_seconds": 2_592_000,
        "min_robust_z": 6.0,
        "min_ratio_to_median": 3.0,
    }
    assert reason.weight == 0.45


def test_a_big_spenders_big_order_is_not_an_anomaly(rules):
    past = history(*orders(800.0, 1500.0, 3000.0, 1200.0, 2500.0, 900.0, 2000.0, 4000.0))
    assert of_rule("amount_anomaly", order(0, revenue=5000.0, **ACCOUNT), past, rules) == []


def test_an_unusual_order_less_than_three_times_the_median_does_not_fire(rules):
    past = history(*orders(100.0, 100.0, 100.0, 100.0, 100.0))
    # z = 150 / (1.4826 * 10) = 10.1 >= 6, but 250 is only 2.5x the median
    assert of_rule("amount_anomaly", order(0, revenue=250.0, **ACCOUNT), past, rules) == []
    assert len(of_rule("amount_anomaly", order(0, revenue=300.0, **ACCOUNT), past, rules)) == 1


def test_an_account_with_fewer_earlier_orders_than_the_minimum_is_not_judged(rules):
    past = history(*orders(100.0, 100.0, 100.0, 100.0))
    assert of_rule("amount_anomaly", order(0, revenue=9000.0, **ACCOUNT), past, rules) == []


def test_orders_in_another_currency_or_before_the_lookback_are_not_compared(rules):
    other_currency = orders(100.0, 100.0, 100.0, currency="USD")
    too_old = [order(-31 * DAY, revenue=100.0, **ACCOUNT), order(-40 * DAY, revenue=100.0, **ACCOUNT)]
    past = history(*orders(100.0, 100.0, 100.0), *other_currency, *too_old)
    assert of_rule("amount_anomaly", order(0, revenue=9000.0, **ACCOUNT), past, rules) == []


def test_an_order_sent_twice_is_one_earlier_order_and_not_its_own_history(rules):
    earlier = orders(100.0, 100.0, 100.0, 100.0)
    resent = order(-DAY * 9, revenue=100.0, order_id=earlier[0].order_id, **ACCOUNT)
    trigger = order(0, revenue=9000.0, order_id="o-now", **ACCOUNT)
    own_copy = order(-1, revenue=9000.0, order_id="o-now", **ACCOUNT)
    assert of_rule("amount_anomaly", trigger, history(*earlier, resent, own_copy), rules) == []


def test_a_big_first_order_soon_after_the_account_was_created_fires(rules):
    past = history(identify(-2 * HOUR, account_created_at=at(-2 * HOUR), **ACCOUNT))
    [reason] = of_rule("new_account_order", order(0, revenue=1500.0, **ACCOUNT), past, rules)
    assert reason.code == "new_account_order"
    assert reason.text == (
        "First order of an account created 2 hours before it, 1,500.00 BRL "
        "(limits: orders from 1,000.00 within 1 day of creation)"
    )
    assert reason.evidence["account_age_seconds"] == 7200.0
    assert reason.evidence["account_created_at"] == at(-2 * HOUR)


def test_the_orders_own_account_creation_time_is_used_first(rules):
    trigger = order(0, revenue=1500.0, account_created_at=at(-60), **ACCOUNT)
    past = history(identify(-5 * DAY, account_created_at=at(-5 * DAY), **ACCOUNT))
    [reason] = of_rule("new_account_order", trigger, past, rules)
    assert reason.evidence["account_age_seconds"] == 60.0


@pytest.mark.parametrize(("age", "fires"), [(DAY, True), (DAY + 0.001, False)])
def test_an_account_exactly_the_maximum_age_old_is_still_new(rules, age, fires):
    trigger = order(0, revenue=1500.0, account_created_at=at(-age), **ACCOUNT)
    assert bool(of_rule("new_account_order", trigger, [], rules)) is fires


def test_a_new_accounts_second_order_does_not_fire(rules):
    past = history(
        identify(-2 * HOUR, account_created_at=at(-2 * HOUR), **ACCOUNT), order(-HOUR, revenue=50.0, **ACCOUNT)
    )
    assert of_rule("new_account_order", order(0, revenue=1500.0, **ACCOUNT), past, rules) == []


def test_a_small_first_order_or_an_unknown_creation_time_does_not_fire(rules):
    past = history(identify(-2 * HOUR, account_created_at=at(-2 * HOUR), **ACCOUNT))
    assert of_rule("new_account_order", order(0, revenue=999.0, **ACCOUNT), past, rules) == []
    assert of_rule("new_account_order", order(0, revenue=5000.0, **ACCOUNT), [], rules) == []
