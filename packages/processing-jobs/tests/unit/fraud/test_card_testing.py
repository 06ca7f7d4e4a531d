"""card_testing (rules-test.yaml: 600 s window; from a device or an account 5 attempts, 3 cards, 3 BINs, or 3
declines at 50%; from an IP only the 3 declines at 50%)."""

from __future__ import annotations

from dataclasses import replace

from fraud_support import IP_1, declined, history, order, payment, tuned

from shop_jobs.contract import PAYMENT_STATUS_ERROR
from shop_jobs.fraud import Scope, reasons_for_scope


def card_testing(trigger, past, rules, scope=Scope.DEVICE):
    return [r for r in reasons_for_scope(trigger, scope, past, rules) if r.rule == "card_testing"]


def with_limits(rules, scope, **changes):
    """rules with some of card_testing's limits for one scope changed."""
    limits = rules.rules.card_testing.limits
    return tuned(rules, "card_testing", limits={**limits, scope: replace(limits[scope], **changes)})


def device(**fields):
    return {"anonymous_id": "dev-1", "ip_anonymized": IP_1, "user_id": "user-1", **fields}


def burst(count, *, every=100, **fields):
    """count declined attempts ending 100 s before T0, each with its own card and BIN."""
    return [declined(-every * (count - i), card=f"card-{i}", bin=f"40000{i}", **device(**fields)) for i in range(count)]


def test_many_declined_attempts_with_many_cards_from_one_device_fire_with_the_numbers(rules):
    trigger = declined(0, card="card-9", bin="400009", **device())
    [reason] = card_testing(trigger, history(*burst(4)), rules)
    assert reason.code == "card_testing.device"
    assert reason.text == (
        "5 payment attempts with 5 different cards (5 BINs), 5 declined (100%), from this device in 10 minutes "
        "(limits reached: 5 attempts, 3 cards, 3 BINs, 3 declines at 50%)"
    )
    assert reason.evidence == {
        "scope": "device",
        "key": "dev-1",
        "window_seconds": 600,
        "attempts": 5,
        "distinct_cards": 5,
        "distinct_bins": 5,
        "declines": 5,
        "decline_ratio": 1.0,
        "limits_reached": ["5 attempts", "3 cards", "3 BINs", "3 declines at 50%"],
        "min_attempts": 5,
        "min_distinct_cards": 3,
        "min_distinct_bins": 3,
        "min_declines": 3,
        "min_decline_ratio": 0.5,
    }
    assert reason.weight == 0.7


def test_a_single_decline_followed_by_success_does_not_fire(rules):
    first = declined(-40, **device())
    trigger = payment(0, **device())
    assert card_testing(trigger, history(first), rules) == []


def test_three_different_cards_fire_on_their_own(rules):
    tries = [payment(-60, card="a", bin="411111", **device()), payment(-30, card="b", bin="411111", **device())]
    trigger = payment(0, card="c", bin="411111", **device())
    [reason] = card_testing(trigger, history(*tries), rules)
    assert reason.evidence["limits_reached"] == ["3 cards"]
    assert reason.text.startswith("3 payment attempts with 3 different cards (1 BIN), 0 declined (0%)")


def test_two_cards_do_not_fire(rules):
    trigger = payment(0, card="b", **device())
    assert card_testing(trigger, history(payment(-30, card="a", **device())), rules) == []


def test_three_declines_of_the_same_card_fire_on_the_decline_ratio(rules):
    past = history(declined(-20, **device()), declined(-10, **device()))
    [reason] = card_testing(declined(0, **device()), past, rules)
    assert reason.evidence["limits_reached"] == ["3 declines at 50%"]
    assert reason.evidence["decline_ratio"] == 1.0


def test_three_declines_below_the_decline_ratio_do_not_fire(rules):
    relaxed = with_limits(rules, Scope.DEVICE, min_attempts=100)
    past = history(
        *(declined(-100 + i, **device()) for i in range(3)), *(payment(-50 + i, **device()) for i in range(3))
    )
    # 3 declines of 7 attempts: 43% < 50%
    assert card_testing(payment(0, **device()), past, relaxed) == []


def test_an_attempt_exactly_one_window_before_the_trigger_counts(rules):
    same_card = device(card="card-1", bin="411111")
    past = history(payment(-600, **same_card), *(payment(-100 + i, **same_card) for i in range(3)))
    [reason] = card_testing(payment(0, **same_card), past, rules)
    assert reason.evidence["attempts"] == 5


def test_an_attempt_a_millisecond_before_the_window_does_not_count(rules):
    same_card = device(card="card-1", bin="411111")
    past = history(payment(-600.001, **same_card), *(payment(-100 + i, **same_card) for i in range(3)))
    assert card_testing(payment(0, **same_card), past, rules) == []


def test_attempts_the_provider_errored_on_are_not_counted(rules):
    same_card = device(card="card-1", bin="411111")
    past = history(*(payment(-50 + i, status=PAYMENT_STATUS_ERROR, **same_card) for i in range(6)))
    assert card_testing(payment(0, **same_card), past, rules) == []


def test_the_same_burst_is_seen_from_the_ip_and_the_account(rules):
    past = history(*burst(4))
    trigger = declined(0, card="card-9", bin="400009", **device())
    [from_ip] = card_testing(trigger, past, rules, Scope.IP)
    [from_account] = card_testing(trigger, past, rules, Scope.ACCOUNT)
    assert (from_ip.code, from_ip.evidence["key"]) == ("card_testing.ip", IP_1)
    assert "from this IP address in 10 minutes" in from_ip.text
    assert (from_account.code, from_account.evidence["key"]) == ("card_testing.account", "user-1")


def test_a_scope_the_rule_is_not_configured_for_gives_nothing(rules):
    past = history(*burst(4))
    trigger = declined(0, card="card-9", bin="400009", **device())
    assert card_testing(trigger, past, rules, Scope.CARD) == []


def test_an_ip_that_is_not_globally_routable_gives_no_ip_reason(rules):
    past = history(*burst(4, ip_anonymized="10.0.0.0"))
    trigger = declined(0, card="card-9", bin="400009", **device(ip_anonymized="10.0.0.0"))
    assert card_testing(trigger, past, rules, Scope.IP) == []
    assert card_testing(trigger, past, rules, Scope.DEVICE) != []


def test_a_disabled_rule_gives_nothing(rules):
    off = tuned(rules, "card_testing", enabled=False)
    assert card_testing(declined(0, card="card-9", bin="400009", **device()), history(*burst(4)), off) == []


def test_card_testing_is_judged_on_payment_attempts_only(rules):
    assert card_testing(order(0, **device()), history(*burst(6)), rules) == []


def test_an_errored_trigger_is_not_counted_as_an_attempt(rules):
    same_card = device(card="card-1", bin="411111")
    past = history(*(payment(-50 + i, **same_card) for i in range(4)))
    assert card_testing(payment(0, status=PAYMENT_STATUS_ERROR, **same_card), past, rules) == []
    assert len(card_testing(payment(0, **same_card), past, rules)) == 1


def on_the_shared_ip(i, **fields):
    """A shopper of their own (device, account, card, BIN) behind one carrier NAT: the same anonymised /24."""
    return {**device(anonymous_id=f"dev-{i}", user_id=f"user-{i}"), "card": f"card-{i}", "bin": f"41111{i}", **fields}


def test_from_an_ip_many_cards_bins_and_attempts_do_not_fire(rules):
    shoppers = history(*(payment(-300 + 30 * i, **on_the_shared_ip(i)) for i in range(6)))
    trigger = payment(0, **on_the_shared_ip(9))
    assert card_testing(trigger, shoppers, rules, Scope.IP) == []
    # The same attempts from one device would fire on every limit but declines.
    one_device = history(*(payment(-300 + 30 * i, card=f"card-{i}", bin=f"41111{i}", **device()) for i in range(6)))
    [reason] = card_testing(payment(0, card="card-9", bin="411119", **device()), one_device, rules)
    assert reason.evidence["limits_reached"] == ["5 attempts", "3 cards", "3 BINs"]


def test_from_an_ip_a_run_of_declines_fires_and_a_few_among_many_payments_do_not(rules):
    declines = history(*(declined(-60 + 20 * i, **on_the_shared_ip(i)) for i in range(2)))
    [reason] = card_testing(declined(0, **on_the_shared_ip(9)), declines, rules, Scope.IP)
    assert (reason.code, reason.evidence["declines"], reason.evidence["attempts"]) == ("card_testing.ip", 3, 3)
    # 3 declines of 7 attempts (43%) is under the 50% ratio.
    mixed = history(
        *(payment(-300 + 30 * i, **on_the_shared_ip(i)) for i in range(4)),
        *(declined(-60 + 20 * i, **on_the_shared_ip(10 + i)) for i in range(2)),
    )
    assert card_testing(declined(0, **on_the_shared_ip(9)), mixed, rules, Scope.IP) == []


def test_the_evidence_lists_the_limits_of_the_scope_it_was_judged_for(rules):
    past = history(*burst(4))
    trigger = declined(0, card="card-9", bin="400009", **device())
    [from_ip] = card_testing(trigger, past, rules, Scope.IP)
    assert from_ip.evidence["limits_reached"] == ["3 declines at 50%"]
    assert {k: v for k, v in from_ip.evidence.items() if k.startswith("min_")} == {
        "min_declines": 3,
        "min_decline_ratio": 0.5,
    }
