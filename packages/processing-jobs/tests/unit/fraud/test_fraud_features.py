from __future__ import annotations

import pytest
from fraud_support import T0, history, order, page, payment

from shop_jobs.fraud.features import (
    in_window,
    order_keys,
    past_of,
    robust_z,
    session_start_index,
)


def test_a_window_includes_an_event_exactly_at_its_start_and_not_one_a_millisecond_earlier():
    edge = page(-600)
    before_edge = page(-600.001)
    inside = page(-10)
    past = history(before_edge, edge, inside)
    assert list(in_window(past, T0, 600)) == [edge, inside]


def test_the_past_leaves_out_the_trigger_and_anything_after_it():
    trigger = order(0)
    earlier, same_time, later = page(-5), page(0), page(5)
    past = past_of(history(earlier, trigger, same_time, later), trigger)
    assert past == [earlier, same_time]


def test_an_order_sent_twice_with_one_order_id_counts_once():
    first = order(-30, order_id="o-1")
    resent = order(-20, order_id="o-1")
    other = order(-10, order_id="o-2")
    no_id = order(-5, order_id=None)
    assert order_keys([first, resent, other, no_id]) == {"o-1", "o-2", no_id.event_id}


def test_robust_z_measures_against_median_and_mad():
    z, median, mad = robust_z(400.0, [100.0, 120.0, 80.0, 130.0, 70.0], mad_floor_ratio=0.01)
    assert (median, mad) == (100.0, 20.0)
    assert z == pytest.approx(300.0 / (1.4826 * 20.0))


def test_robust_z_is_not_moved_by_one_earlier_outlier():
    z_clean, *_ = robust_z(500.0, [100.0, 110.0, 90.0, 105.0, 95.0], mad_floor_ratio=0.01)
    z_outlier, *_ = robust_z(500.0, [100.0, 110.0, 90.0, 105.0, 10_000.0], mad_floor_ratio=0.01)
    assert z_outlier > 0.5 * z_clean > 10


def test_identical_past_amounts_use_the_mad_floor():
    z, _, mad = robust_z(150.0, [100.0] * 6, mad_floor_ratio=0.1)
    assert mad == 0.0
    assert z == pytest.approx(50.0 / (1.4826 * 10.0))


def test_robust_z_has_nothing_to_say_without_a_spread():
    assert robust_z(10.0, [], mad_floor_ratio=0.1) is None
    assert robust_z(10.0, [0.0, 0.0, 0.0], mad_floor_ratio=0.1) is None


def test_a_gap_of_exactly_the_session_gap_continues_the_session():
    start = page(-1800 - 1800)
    middle = page(-1800)
    past = history(start, middle)
    assert session_start_index(past, T0, 1800) == 0


def test_a_gap_longer_than_the_session_gap_starts_a_new_session():
    old = page(-1800 - 1800.001)
    middle = page(-1800)
    past = history(old, middle)
    assert session_start_index(past, T0, 1800) == 1
    assert session_start_index(history(page(-1800.001)), T0, 1800) == 1
    assert session_start_index([], T0, 1800) == 0


def test_payment_helpers_build_what_the_rules_read():
    p = payment(0, status="declined", card="c9", bin="555555")
    assert (p.payment_status, p.card_fingerprint, p.card_bin, p.currency) == ("declined", "c9", "555555", "BRL")
