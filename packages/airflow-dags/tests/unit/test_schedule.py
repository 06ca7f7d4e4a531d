"""The schedule's promise: the run that fires after a day's window (its lookahead hours) runs that day."""

from __future__ import annotations

import pendulum

from support import load_dagbag


def test_the_run_after_a_day_ends_processes_that_day(monkeypatch):
    from airflow.serialization.encoders import coerce_to_core_timetable
    from airflow.timetables.base import DataInterval, TimeRestriction

    monkeypatch.setenv("SHOP_DEPLOY_TARGET", "local")
    dag = load_dagbag().dags["shop_daily_batch"]
    timetable = coerce_to_core_timetable(dag.timetable)
    previous = DataInterval(
        pendulum.datetime(2026, 11, 27, 2, 30, tz="UTC"), pendulum.datetime(2026, 11, 28, 2, 30, tz="UTC")
    )

    info = timetable.next_dagrun_info(
        last_automated_data_interval=previous,
        # catchup=True here only keeps the answer independent of today's date (False skips to now).
        restriction=TimeRestriction(earliest=dag.start_date, latest=None, catchup=True),
    )

    assert info.run_after == pendulum.datetime(2026, 11, 29, 2, 30, tz="UTC")
    # ds is the logical date's day, and a data-interval timetable's logical date is the interval start.
    assert info.logical_date.date().isoformat() == "2026-11-28"
