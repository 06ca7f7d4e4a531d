"""Pure helpers the rules compute their features with.

A history here is one key's past events, sorted by (event_ts, event_id), holding only events at or before the
trigger's time and not the trigger itself (`past_of` makes one from whatever the job keeps). Windows end at the
trigger's event time and include their start: with a 600-second window, an event exactly 600 s before the
trigger is inside, one a millisecond earlier is not. Every function is O(events in the window) after an
O(log n) search.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from operator import attrgetter
from statistics import median

from shop_jobs.fraud.events import FraudEvent

MS_PER_SECOND = 1000
# MAD times this estimates the standard deviation of normally distributed data.
MAD_TO_SIGMA = 1.4826

_event_ts = attrgetter("event_ts")


def sort_key(event: FraudEvent) -> tuple[int, str]:
    """The order histories are kept in: event time, then event id (a total order, so replays agree)."""
    return (event.event_ts, event.event_id)


def past_of(history: Sequence[FraudEvent], trigger: FraudEvent) -> list[FraudEvent]:
    """The events of a sorted history at or before the trigger's time, without the trigger (by event_id).

    Events later than the trigger (it arrived late) are left out, so a score depends on event time only.
    """
    end = bisect_right(history, trigger.event_ts, key=_event_ts)
    trigger_id = trigger.event_id
    return [e for e in history[:end] if e.event_id != trigger_id]


def window_start(past: Sequence[FraudEvent], end_ms: int, seconds: int) -> int:
    """Index of the first event of `past` at or after end_ms - seconds (the window's inclusive start)."""
    return bisect_left(past, end_ms - seconds * MS_PER_SECOND, key=_event_ts)


def in_window(past: Sequence[FraudEvent], end_ms: int, seconds: int) -> Sequence[FraudEvent]:
    """The events of `past` in [end_ms - seconds, end_ms]. `past` holds nothing after end_ms (see past_of)."""
    return past[window_start(past, end_ms, seconds) :]


def named(events: Iterable[FraudEvent], event_name: str) -> list[FraudEvent]:
    return [e for e in events if e.event_name == event_name]


def distinct(events: Iterable[FraudEvent], value: Callable[[FraudEvent], str | None]) -> set[str]:
    """The distinct non-empty values of a field."""
    return {v for v in map(value, events) if v}


def order_keys(orders: Iterable[FraudEvent]) -> set[str]:
    """One key per order: order_id, else the event id (an order re-sent with the same order_id counts once)."""
    return {e.order_id or e.event_id for e in orders}


def decline_ratio(declines: int, attempts: int) -> float:
    return declines / attempts if attempts else 0.0


def median_absolute_deviation(values: Sequence[float], center: float) -> float:
    return median(abs(v - center) for v in values)


def robust_z(value: float, reference: Sequence[float], mad_floor_ratio: float) -> tuple[float, float, float] | None:
    """(z, median, MAD) of value against reference, or None when there is no spread to measure against.

    z = (value - median) / (1.4826 * max(MAD, mad_floor_ratio * median)). The median and the MAD are not moved
    by a few outliers in the reference, unlike mean and standard deviation; the floor keeps an account whose
    orders were all the same amount (MAD 0) from making every different amount infinitely unusual.
    """
    if not reference:
        return None
    center = median(reference)
    mad = median_absolute_deviation(reference, center)
    scale = MAD_TO_SIGMA * max(mad, mad_floor_ratio * center)
    if scale <= 0:
        return None
    return ((value - center) / scale, center, mad)


def session_start_index(past: Sequence[FraudEvent], end_ms: int, gap_seconds: int) -> int:
    """Index in `past` of the first event of the session that the trigger (at end_ms) belongs to; len(past) when
    the trigger starts a session. As in sessionization, a gap of exactly gap_seconds continues the session."""
    gap_ms = gap_seconds * MS_PER_SECOND
    current = end_ms
    index = len(past)
    while index > 0 and current - past[index - 1].event_ts <= gap_ms:
        index -= 1
        current = past[index].event_ts
    return index


def latest(events: Sequence[FraudEvent], predicate: Callable[[FraudEvent], bool]) -> tuple[int, FraudEvent] | None:
    """(index, event) of the last event of a sorted sequence matching predicate."""
    for index in range(len(events) - 1, -1, -1):
        if predicate(events[index]):
            return index, events[index]
    return None
