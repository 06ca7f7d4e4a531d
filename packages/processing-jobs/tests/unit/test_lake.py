from __future__ import annotations

from datetime import date

import pytest
from support import DAY, JOB_EVENTS, utc

from shop_jobs.lake import DayWindow, InputPartitionMissingError, partition_path, read_day_events, write_events


def test_window_reaches_one_gap_back_and_the_lookahead_forward():
    window = DayWindow.for_day(date(2026, 11, 28), gap_minutes=30, lookahead_hours=2)
    assert (window.start, window.end) == (utc(2026, 11, 27, 23, 30), utc(2026, 11, 29, 2, 0))
    assert window.hour_partitions() == [
        (date(2026, 11, 27), 23),
        (date(2026, 11, 28), None),
        (date(2026, 11, 29), 0),
        (date(2026, 11, 29), 1),
    ]


def test_longer_gap_reads_more_hours_and_no_lookahead_reads_none():
    window = DayWindow.for_day(date(2026, 3, 1), gap_minutes=90, lookahead_hours=0)
    assert window.hour_partitions() == [(date(2026, 2, 28), 22), (date(2026, 2, 28), 23), (date(2026, 3, 1), None)]


def test_partition_paths():
    assert partition_path("s3a://b/events/", date(2026, 1, 2)) == "s3a://b/events/dt=2026-01-02"
    assert partition_path("s3a://b/events", date(2026, 1, 2), 7) == "s3a://b/events/dt=2026-01-02/hour=07"


@pytest.fixture(scope="module")
def local_lake(make_events, tmp_path_factory) -> str:
    root = str(tmp_path_factory.mktemp("lake") / "events")
    write_events(make_events(*JOB_EVENTS), root)
    return root


def test_reads_the_window_from_the_partitions(spark, local_lake, event_schema):
    window = DayWindow.for_day(date.fromisoformat(DAY), gap_minutes=30, lookahead_hours=2)
    events = read_day_events(spark, local_lake, window, event_schema)
    # File sources make every column nullable on read; names and types are what must match.
    assert [(f.name, f.dataType) for f in events.schema] == [(f.name, f.dataType) for f in event_schema.full]
    got = sorted((r.event_id, r.dt, r.hour) for r in events.select("event_id", "dt", "hour").collect())
    assert got == [
        ("l1", "2026-11-28", 23),
        ("l2", "2026-11-29", 0),
        ("n2", "2026-11-27", 23),
        ("n3", "2026-11-28", 0),
        ("n4", "2026-11-28", 0),
        ("s1", "2026-11-28", 10),
        ("s2", "2026-11-28", 10),
        ("s3", "2026-11-28", 10),
        ("s4", "2026-11-28", 10),
        ("s4", "2026-11-28", 10),
        ("t1", "2026-11-29", 1),
    ]


def test_missing_day_partition_is_an_error(spark, local_lake, event_schema):
    window = DayWindow.for_day(date(2026, 12, 24), gap_minutes=30, lookahead_hours=2)
    with pytest.raises(InputPartitionMissingError, match="dt=2026-12-24 does not exist"):
        read_day_events(spark, local_lake, window, event_schema)
