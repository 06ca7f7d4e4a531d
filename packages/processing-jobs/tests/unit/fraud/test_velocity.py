"""velocity_orders (more than 3 orders per account/device/card, 10 per IP, in 1 hour) and velocity_amount (more than
1,000.00 paid per account or card in 1 hour; rules-test.yaml)."""

from __future__ import annotations

from fraud_support import IP_1, declined, history, order, payment

from shop_jobs.contract import PAYMENT_STATUS_ERROR
from shop_jobs.fraud import Scope, reasons_for_scope


def of_rule(rule, trigger, past, rules, scope):
    return [r for r in reasons_for_scope(trigger, scope, past, rules) if r.rule == rule]


KEYS = {"user_id": "user-1", "anonymous_id": "dev-1", "ip_anonymized": IP_1, "card_fingerprint": "card-1"}


def test_a_fourth_order_in_an_hour_from_one_account_fires(rules):
    past = history(*(order(-3000 + 600 * i, order_id=f"o-{i}", **KEYS) for i in range(3)))
    [reason] = of_rule("velocity_orders", order(0, order_id="o-9", **KEYS), past, rules, Scope.ACCOUNT)
    assert reason.code == "velocity_orders.account"
    assert reason.text == "4 orders from this account in 1 hour (limit 3)"
    assert reason.evidence == {
        "scope": "account",
        "key": "user-1",
        "window_seconds": 3600,
        "orders": 4,
        "max_orders": 3,
        "order_ids": ["o-0", "o-1", "o-2", "o-9"],
    }


def test_three_orders_in_an_hour_are_within_the_limit(rules):
    past = history(*(order(-3000 + 600 * i, **KEYS) for i in range(2)))
    assert of_rule("velocity_orders", order(0, **KEYS), past, rules, Scope.ACCOUNT) == []


def test_an_order_exactly_one_hour_before_counts_and_one_a_millisecond_earlier_does_not(rules):
    recent = [order(-100 * (i + 1), **KEYS) for i in range(2)]
    at_edge = history(order(-3600, **KEYS), *recent)
    past_edge = history(order(-3600.001, **KEYS), *recent)
    assert len(of_rule("velocity_orders", order(0, **KEYS), at_edge, rules, Scope.DEVICE)) == 1
    assert of_rule("velocity_orders", order(0, **KEYS), past_edge, rules, Scope.DEVICE) == []


def test_an_order_sent_again_counts_once(rules):
    past = history(
        order(-300, order_id="o-1", **KEYS), order(-299, order_id="o-1", **KEYS), order(-200, order_id="o-2", **KEYS)
    )
    assert of_rule("velocity_orders", order(0, order_id="o-3", **KEYS), past, rules, Scope.CARD) == []


def test_the_ip_has_its_own_limit(rules):
    past = history(*(order(-1000 + 10 * i, **KEYS) for i in range(9)))
    assert of_rule("velocity_orders", order(0, **KEYS), past, rules, Scope.IP) == []
    [reason] = of_rule("velocity_orders", order(0, **KEYS), history(*past, order(-1, **KEYS)), rules, Scope.IP)
    assert reason.text == "11 orders from this IP address in 1 hour (limit 10)"


def test_payments_over_the_amount_limit_on_one_card_fire(rules):
    past = history(payment(-1200, amount=400.0, **KEYS), payment(-600, amount=400.0, **KEYS))
    [reason] = of_rule("velocity_amount", payment(0, amount=300.0, **KEYS), past, rules, Scope.CARD)
    assert reason.code == "velocity_amount.card"
    assert reason.text == "3 payments of 1,100.00 BRL in total from this card in 1 hour (limit 1,000.00)"
    assert reason.evidence == {
        "scope": "card",
        "key": "card-1",
        "window_seconds": 3600,
        "payments": 3,
        "amount": 1100.0,
        "currency": "BRL",
        "max_amount": 1000.0,
    }


def test_payments_adding_up_to_exactly_the_limit_do_not_fire(rules):
    past = history(payment(-1200, amount=400.0, **KEYS), payment(-600, amount=300.0, **KEYS))
    assert of_rule("velocity_amount", payment(0, amount=300.0, **KEYS), past, rules, Scope.ACCOUNT) == []


def test_declined_errored_and_other_currency_payments_are_not_money_paid(rules):
    past = history(
        declined(-900, amount=900.0, **KEYS),
        payment(-800, status=PAYMENT_STATUS_ERROR, amount=900.0, **KEYS),
        payment(-700, amount=900.0, **{**KEYS, "currency": "USD"}),
    )
    assert of_rule("velocity_amount", payment(0, amount=300.0, **KEYS), past, rules, Scope.CARD) == []


def test_a_declined_payment_is_not_judged_for_amount(rules):
    past = history(payment(-600, amount=900.0, **KEYS))
    assert of_rule("velocity_amount", declined(0, amount=300.0, **KEYS), past, rules, Scope.CARD) == []


def test_velocity_amount_is_not_judged_for_scopes_the_config_leaves_out(rules):
    past = history(payment(-600, amount=900.0, **KEYS))
    assert of_rule("velocity_amount", payment(0, amount=300.0, **KEYS), past, rules, Scope.DEVICE) == []
