"""The sessions stream against the batch job on the same files (local filesystem), and its pure closing rule.

Parity: the sink's files arrive in waves (out of order within the watermark, duplicated across files, a session
crossing midnight, one running past the end of its day's window); the stream's sessions table must then equal
what the batch job writes for the same days. An event later than the watermark is not the stream's: the batch
run of its day (the DAGs' late-data path) puts it in.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pyspark.testing import assertDataFrameEqual
from support import utc

from shop_jobs.jobs.entrypoint import EXIT_INPUT_MISSING
from shop_jobs.jobs.sessionize_batch import main as sessionize_main
from shop_jobs.jobs.sessions_stream import WAITING_FOR_EVENTS, await_events
from shop_jobs.jobs.sessions_stream import main as sessions_stream_main
from shop_jobs.lake import write_events
from shop_jobs.streaming.sessions import (
    SessionRule,
    SessionsSink,
    SessionsStreamSettings,
    close_sessions,
    merge_copies,
    start_sessions,
)

D = date(2026, 11, 28)
RULE = SessionRule(gap_minutes=30, lookahead_hours=1)
MINUTE = 60_000


def ev(event_id: str, anon: str, ts, **columns) -> dict:
    return {"event_id": event_id, "anonymous_id": anon, "event_ts": ts, **columns}


def day(hour: int, minute: int = 0, *, days: int = 0):
    return utc(2026, 11, 28, hour, minute) + timedelta(days=days)


# Each wave is what the sink wrote between two runs of the stream.
WAVES = [
    [
        ev("a1", "A", day(10, 0), event_type="page", page_path="/a", page_referrer="https://www.google.com/"),
        ev("a2", "A", day(10, 10), event_name="Product Added", received_at=day(10, 10)),
        # A copy of a2 received later that says something else: the first received wins, in both.
        ev("a2", "A", day(10, 10), event_name="Product Viewed", received_at=day(10, 11)),
    ],
    [
        # Out of order, within the 3-minute watermark (newest event so far 10:10).
        ev("a3", "A", day(10, 8), event_type="page", page_path="/c"),
        ev("a4", "A", day(10, 12), event_name="Order Completed", revenue=20.0),
        ev("b0", "B", day(10, 11), event_type="page", page_path="/"),
    ],
    [
        # A second session of A (more than the gap later); another copy of a2, received even later.
        ev("a5", "A", day(11, 0), event_type="page", page_path="/again"),
        ev("a2", "A", day(10, 10), event_name="Cart Viewed", received_at=day(10, 59)),
        ev("b1", "B", day(23, 50), event_type="page", page_path="/late-night"),
        ev("c1", "C", day(23, 40), ua_device_type="bot"),
    ],
    [
        # B crosses midnight; C runs past its day's window (D+1 01:00 with a 1-hour lookahead) without a pause.
        ev("b2", "B", day(0, 10, days=1), event_name="Checkout Started"),
        ev("c2", "C", day(0, 5, days=1)),
        ev("c3", "C", day(0, 30, days=1)),
        ev("c4", "C", day(0, 55, days=1)),
        ev("c5", "C", day(1, 20, days=1)),
        ev("c6", "C", day(1, 45, days=1)),
        ev("e1", "E", day(1, 30, days=1), event_type="page", page_path="/e"),
    ],
    # Moves the watermark past everything above (F's own session stays open).
    [ev("f1", "F", day(12, 0, days=3))],
]


def write_wave(make_events, root: Path, wave: list[dict]) -> None:
    write_events(make_events(*wave), str(root / "events"), mode="append")


def run_stream(spark, root: Path) -> None:
    settings = SessionsStreamSettings(
        events_path=str(root / "events"),
        checkpoint=str(root / "checkpoint"),
        sink=SessionsSink(sessions_path=str(root / "stream_sessions"), users_path=None),
        rule=RULE,
        watermark="3 minutes",
    )
    start_sessions(spark, settings, {"availableNow": True}).awaitTermination()


def run_batch(root: Path, days: list[date]) -> None:
    for d in days:
        code = sessionize_main(
            [
                "--events-path",
                str(root / "events"),
                "--sessions-path",
                str(root / "batch_sessions"),
                "--date",
                d.isoformat(),
                "--lookahead-hours",
                str(RULE.lookahead_hours),
            ]
        )
        assert code == 0


def aware(ts: datetime) -> datetime:
    """Spark hands timestamps back naive, in the session's time zone (UTC here)."""
    return ts.replace(tzinfo=UTC)


def read(spark, sessions_schema, path: Path):
    return spark.read.schema(sessions_schema.full).parquet(str(path))


def test_stream_and_batch_give_the_same_sessions(spark, make_events, sessions_schema, tmp_path, capsys):
    for wave in WAVES:
        write_wave(make_events, tmp_path, wave)
        run_stream(spark, tmp_path)
    run_batch(tmp_path, [D, D + timedelta(days=1)])
    capsys.readouterr()

    streamed = read(spark, sessions_schema, tmp_path / "stream_sessions")
    batch = read(spark, sessions_schema, tmp_path / "batch_sessions")
    assertDataFrameEqual(streamed, batch, checkRowOrder=False)
    # The case the fixture is built for, so a vacuous equality cannot pass: 6 sessions, C cut at 01:00.
    by_visitor = {(r.anonymous_id, aware(r.session_start)): r for r in streamed.collect()}
    assert sorted(a for a, _ in by_visitor) == ["A", "A", "B", "B", "C", "E"]
    first_a = by_visitor[("A", day(10, 0))]
    assert (first_a.event_count, first_a.cart_adds, first_a.orders, first_a.channel) == (4, 1, 1, "organic_search")
    assert by_visitor[("A", day(11, 0))].is_new_visitor is False
    crossing = by_visitor[("B", day(23, 50))]
    assert (crossing.dt, crossing.event_count, crossing.checkout_started) == (D.isoformat(), 2, True)
    cut = by_visitor[("C", day(23, 40))]
    assert (cut.event_count, aware(cut.session_end)) == (4, day(0, 55, days=1))

    # A replayed stream run adds nothing: every session is in the table once.
    run_stream(spark, tmp_path)
    assert read(spark, sessions_schema, tmp_path / "stream_sessions").count() == streamed.count()


def test_an_event_later_than_the_watermark_waits_for_the_batch_run(
    spark, make_events, sessions_schema, tmp_path, capsys
):
    for wave in [*WAVES, [ev("a9", "A", day(10, 30), event_type="page", page_path="/late")]]:
        write_wave(make_events, tmp_path, wave)
        run_stream(spark, tmp_path)
    first_a = (
        read(spark, sessions_schema, tmp_path / "stream_sessions").where("anonymous_id = 'A'").orderBy("session_start")
    )
    assert first_a.first().event_count == 4  # the stream left the late event out

    run_batch(tmp_path, [D])
    capsys.readouterr()
    batch_a = (
        read(spark, sessions_schema, tmp_path / "batch_sessions").where("anonymous_id = 'A'").orderBy("session_start")
    )
    # The batch run has it: 10:30 bridges A's two visits into one session.
    assert [(r.event_count, aware(r.session_end)) for r in batch_a.collect()] == [(6, day(11, 0))]


def at(hour: int, minute: int = 0) -> int:
    return int(day(hour, minute).timestamp() * 1000)


def event(event_id: str, ts: int, received: int | None = None, **columns) -> dict:
    return {"event_id": event_id, "event_ts_ms": ts, "received_at_ms": received or ts, **columns}


@pytest.mark.parametrize(
    ("watermark", "emitted", "open_ids"),
    [
        (at(10, 5), [], ["a", "b"]),  # open: the gap has not passed
        (at(10, 39), [], ["a", "b"]),  # an event at 10:40 could still continue it
        # Final: events at or before the watermark are late, and the next possible one is over the gap.
        (at(10, 40), [["a", "b"]], []),
    ],
)
def test_a_session_closes_when_the_watermark_passes_its_last_event_plus_the_gap(watermark, emitted, open_ids):
    events = [event("a", at(10, 0)), event("b", at(10, 10))]
    out, still_open, cuts, wake = close_sessions(events, [], watermark, RULE)
    assert [[e["event_id"] for e in s] for s in out] == emitted
    assert [e["event_id"] for e in still_open] == open_ids
    assert cuts == []
    assert wake == (None if emitted else at(10, 40))


def test_a_session_past_its_days_window_is_emitted_there_and_its_continuation_swallowed():
    window_end = at(1, 0) + 24 * 60 * MINUTE
    night = [event("a", at(23, 40)), *(event(n, window_end - m * MINUTE) for n, m in (("b", 55), ("c", 30), ("d", 5)))]
    out, still_open, cuts, _ = close_sessions(night, [], window_end, RULE)
    assert [[e["event_id"] for e in s] for s in out] == [["a", "b", "c", "d"]]
    assert (still_open, cuts) == ([], [window_end - 5 * MINUTE])
    # A later event that continues the chain belongs to no session; one after a pause starts a new one.
    later = [event("c", window_end + 10 * MINUTE), event("d", window_end + 80 * MINUTE)]
    out, still_open, cuts, _ = close_sessions(later, cuts, window_end + 5 * MINUTE, RULE)
    assert out == []
    assert [e["event_id"] for e in still_open] == ["d"]
    assert cuts == [window_end + 10 * MINUTE]


def test_copies_keep_the_first_received():
    first = event("a", at(10), received=at(10, 1), event_name="Product Added")
    later = event("a", at(10), received=at(10, 2), event_name="Cart Viewed")
    assert merge_copies([later], [first]) == [first]
    assert merge_copies([first], [later]) == [first]


def test_waits_for_the_first_event_files_and_says_so_once(capsys: pytest.CaptureFixture[str]) -> None:
    answers = iter([False, False, False, True])
    slept: list[float] = []
    waited = await_events(lambda: next(answers), "s3a://b/events", sleep=slept.append, poll_seconds=2.0)
    assert (waited, slept) == (4.0, [2.0, 2.0])
    assert capsys.readouterr().err.count(WAITING_FOR_EVENTS) == 1


def test_does_not_wait_or_speak_when_the_files_are_there(capsys: pytest.CaptureFixture[str]) -> None:
    assert await_events(lambda: True, "s3a://b/events", sleep=pytest.fail) == 0.0
    assert capsys.readouterr().err == ""


def test_available_now_on_a_lake_without_events_is_no_input_yet(spark, tmp_path: Path) -> None:
    code = sessions_stream_main(
        [
            *("--events-path", str(tmp_path / "events"), "--sessions-path", str(tmp_path / "sessions")),
            *("--checkpoint", str(tmp_path / "checkpoint"), "--available-now"),
        ]
    )
    assert code == EXIT_INPUT_MISSING
    assert not (tmp_path / "sessions").exists()
