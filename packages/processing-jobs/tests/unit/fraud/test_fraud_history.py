"""What the job keeps per key (rules-test.yaml: 1 day of everything, 500 events; accounts keep profile events for
30 days, 100 of them)."""

from __future__ import annotations

from dataclasses import replace

from fraud_support import DAY, T0, identify, order, page, product_view, sign_in

from shop_jobs.fraud import Scope, prune_history, ttl_seconds, update_history


def test_a_copy_of_an_event_already_kept_is_dropped(rules):
    first = page(-10, anonymous_id="d1")
    copy = replace(first, received_at=T0 + 5)
    kept = update_history([first], [copy, copy], Scope.DEVICE, rules)
    assert kept == [first]


def test_events_arriving_out_of_order_are_kept_in_event_time_order(rules):
    late, early, same_time_b, same_time_a = page(-5), page(-50), page(0, event_id="b"), page(0, event_id="a")
    kept = update_history([late], [same_time_b, early, same_time_a], Scope.DEVICE, rules)
    assert kept == [early, late, same_time_a, same_time_b]


def test_events_older_than_the_retention_before_the_newest_are_dropped(rules):
    edge, too_old, newest = page(-DAY), page(-DAY - 0.001), page(0)
    assert update_history([], [too_old, edge, newest], Scope.DEVICE, rules) == [edge, newest]


def test_a_later_time_given_by_the_job_prunes_more(rules):
    events = [page(-100), page(0)]
    assert prune_history(events, Scope.DEVICE, rules, now_ms=T0 + DAY * 1000 - 50_000) == [events[1]]


def test_only_the_newest_events_are_kept_beyond_the_maximum(rules):
    small = replace(rules, history=replace(rules.history, max_events=3))
    events = [page(-10 + i) for i in range(6)]
    assert update_history([], events, Scope.DEVICE, small) == events[-3:]


def test_an_account_keeps_its_orders_sign_ins_and_identifies_for_the_profile_retention(rules):
    old_order, old_sign_in, old_identify = order(-20 * DAY), sign_in(-15 * DAY), identify(-10 * DAY)
    old_page, old_view, too_old_order = page(-10 * DAY), product_view(-9 * DAY), order(-31 * DAY)
    recent = page(0)
    everything = [old_order, old_sign_in, old_identify, old_page, old_view, too_old_order, recent]
    assert update_history([], everything, Scope.ACCOUNT, rules) == [old_order, old_sign_in, old_identify, recent]
    assert update_history([], everything, Scope.DEVICE, rules) == [recent]


def test_the_profile_keeps_its_newest_events_up_to_its_maximum(rules):
    small = replace(rules, history=replace(rules.history, max_profile_events=2))
    orders = [order(-5 * DAY + i) for i in range(4)]
    assert update_history([], [*orders, page(0)], Scope.ACCOUNT, small)[:2] == orders[-2:]


def test_an_account_event_pushed_out_by_the_maximum_still_counts_for_the_profile(rules):
    small = replace(rules, history=replace(rules.history, max_events=2))
    first_order = order(-100)
    pages = [page(-50), page(-40), page(-30)]
    assert update_history([], [first_order, *pages], Scope.ACCOUNT, small) == [first_order, *pages[-2:]]


def test_the_state_can_expire_when_nothing_in_it_is_of_use(rules):
    assert ttl_seconds(Scope.ACCOUNT, rules) == 30 * DAY
    assert ttl_seconds(Scope.DEVICE, rules) == DAY
    assert prune_history([], Scope.CARD, rules) == []
