from __future__ import annotations

import json
import random
from dataclasses import replace

import pytest
from fraud_support import IP_1, declined, history, order, page

from shop_jobs.fraud import Reason, Scope, alert_id, assess, combine, score_event


def reason(code: str, weight: float) -> Reason:
    return Reason(code=code, text=f"{code} fired", evidence={"n": 1}, weight=weight)


def test_no_reason_scores_zero():
    assert combine([]) == 0.0


def test_one_rule_alone_scores_its_weight():
    assert combine([reason("card_testing.device", 0.7)]) == 70.0


def test_independent_rules_combine_as_a_noisy_or():
    # 100 * (1 - 0.5 * 0.7)
    assert combine([reason("bot_fast_checkout", 0.5), reason("bot_no_product_views", 0.3)]) == 65.0


def test_one_rule_seen_from_several_keys_counts_once_with_its_largest_weight():
    same_burst = [
        reason("card_testing.device", 0.7),
        reason("card_testing.ip", 0.7),
        reason("card_testing.account", 0.6),
    ]
    assert combine(same_burst) == 70.0


def test_the_score_never_passes_100():
    assert combine([reason(f"rule_{i}", 1.0) for i in range(3)]) == 100.0
    assert combine([reason(f"rule_{i}", 0.9) for i in range(20)]) == 100.0


def test_a_score_equal_to_the_threshold_alerts(rules):
    at_65 = replace(rules, alert_threshold=65.0)
    reasons = [reason("bot_fast_checkout", 0.5), reason("bot_no_product_views", 0.3)]
    assert assess(order(0), reasons, at_65).alert
    assert not assess(order(0), reasons, replace(rules, alert_threshold=65.1)).alert


def test_the_alert_id_is_pinned_to_the_rules_version_and_the_event_id():
    assert alert_id("2026-12-02.1", "0190f7a0-0001-7000-8000-000000000005") == "195ad4684e18c13d2d01d1dd0b68df41"
    assert alert_id("2026-12-02.2", "0190f7a0-0001-7000-8000-000000000005") != "195ad4684e18c13d2d01d1dd0b68df41"
    assert alert_id("2026-12-02.1", "0190f7a0-0001-7000-8000-000000000006") != "195ad4684e18c13d2d01d1dd0b68df41"


def test_the_assessment_carries_the_rules_version_and_the_orders_ids(rules):
    trigger = order(0, order_id="o-1", checkout_id="c-1", user_id="u-1", anonymous_id="d-1")
    result = assess(trigger, [reason("bot_user_agent", 0.7)], rules)
    assert result.to_dict() == {
        "alert_id": alert_id("test-1", trigger.event_id),
        "event_id": trigger.event_id,
        "event_name": "Order Completed",
        "event_ts": trigger.event_ts,
        "order_id": "o-1",
        "checkout_id": "c-1",
        "user_id": "u-1",
        "anonymous_id": "d-1",
        "score": 70.0,
        "alert": True,
        "rule_version": "test-1",
        "reasons": [{"code": "bot_user_agent", "text": "bot_user_agent fired", "weight": 0.7, "evidence": {"n": 1}}],
    }


def test_the_order_reasons_arrive_in_does_not_change_the_assessment(rules):
    trigger = order(0)
    reasons = [reason(code, w) for code, w in [("b", 0.2), ("a.ip", 0.3), ("a.device", 0.3), ("c", 0.45)]]
    first = assess(trigger, reasons, rules)
    for seed in range(5):
        shuffled = reasons[:]
        random.Random(seed).shuffle(shuffled)
        assert assess(trigger, shuffled, rules) == first
    assert [r.code for r in first.reasons] == ["a.device", "a.ip", "b", "c"]


def test_a_reason_reported_twice_is_kept_once(rules):
    result = assess(order(0), [reason("bot_user_agent", 0.7), reason("bot_user_agent", 0.7)], rules)
    assert len(result.reasons) == 1


def card_test(rules):
    keys = {"anonymous_id": "dev-1", "ip_anonymized": IP_1}
    past = history(
        page(-300, **keys), *(declined(-100 + 10 * i, card=f"c{i}", bin=f"5{i}0000", **keys) for i in range(5))
    )
    return declined(0, card="c9", bin="590000", **keys), {Scope.DEVICE: past, Scope.IP: past}


def test_scoring_the_same_event_again_gives_the_same_assessment_and_alert_id(rules):
    trigger, histories = card_test(rules)
    first = score_event(trigger, histories, rules)
    again = score_event(trigger, {s: list(h) for s, h in histories.items()}, rules)
    assert first.alert
    assert again == first
    assert first.alert_id == alert_id(rules.version, trigger.event_id)


def test_a_history_that_already_holds_the_trigger_scores_the_same(rules):
    trigger, histories = card_test(rules)
    with_trigger = {s: history(*h, trigger) for s, h in histories.items()}
    assert score_event(trigger, with_trigger, rules) == score_event(trigger, histories, rules)


def test_an_assessment_and_its_evidence_are_plain_json(rules):
    trigger, histories = card_test(rules)
    result = score_event(trigger, histories, rules)
    assert json.loads(json.dumps(result.to_dict(), allow_nan=False))["score"] == result.score
    evidence = result.reasons[0].evidence_json()
    assert evidence == json.dumps(json.loads(evidence), sort_keys=True, separators=(",", ":"))


@pytest.mark.parametrize("missing", [Scope.ACCOUNT, Scope.CARD])
def test_a_scope_without_a_history_is_an_empty_one(rules, missing):
    trigger, histories = card_test(rules)
    assert score_event(trigger, {**histories, missing: []}, rules) == score_event(trigger, histories, rules)
