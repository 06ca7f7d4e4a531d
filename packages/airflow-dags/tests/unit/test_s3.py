from __future__ import annotations

import pytest

from shop_dags.s3 import daily_partition_url, split_s3_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("s3a://lake/events/dt=2026-11-27/", ("lake", "events/dt=2026-11-27")),
        ("s3://lake/a/b", ("lake", "a/b")),
    ],
)
def test_split_s3_url(url: str, expected: tuple[str, str]):
    assert split_s3_url(url) == expected


@pytest.mark.parametrize("url", ["/tmp/events", "gs://lake/events", "s3a:///events"])
def test_split_s3_url_rejects_non_s3(url: str):
    with pytest.raises(ValueError, match="not an S3 URL"):
        split_s3_url(url)


def test_daily_partition_url_is_the_hive_style_day_folder():
    assert daily_partition_url("s3a://lake/events/", "2026-11-27") == "s3a://lake/events/dt=2026-11-27/"


def test_a_window_is_complete_only_once_over_settled_and_with_files():
    from datetime import UTC, datetime, timedelta

    from shop_dags.s3 import WindowListing, completeness

    written = datetime(2026, 11, 29, 1, 50, tzinfo=UTC)
    listing = WindowListing(day="2026-11-28", day_files=3, files=5, total_bytes=10, newest=written)
    end = datetime(2026, 11, 29, 2, 0, tzinfo=UTC)  # lookahead 2 hours
    assert "complete at" in completeness(listing, end + timedelta(minutes=14), 2, 15)
    assert completeness(listing, end + timedelta(minutes=15), 2, 15) is None
    late_write = WindowListing(
        day="2026-11-28", day_files=3, files=6, total_bytes=11, newest=end + timedelta(minutes=10)
    )
    assert "still arriving" in completeness(late_write, end + timedelta(minutes=15), 2, 15)
    empty = WindowListing(day="2026-11-28", day_files=0, files=2, total_bytes=4, newest=written)
    assert "no event files" in completeness(empty, end + timedelta(hours=5), 2, 15)
    # A demo's day still going on: files that have settled are enough.
    assert completeness(listing, written + timedelta(minutes=1), 2, 0, wait_for_end=False) is None


def test_late_files_are_new_files_or_newer_writes():
    from datetime import UTC, datetime, timedelta

    from shop_dags.s3 import WindowListing, received_late_files, window_prefixes

    t = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)
    recorded = WindowListing(day="2026-11-28", day_files=3, files=5, total_bytes=10, newest=t)
    assert not received_late_files(recorded, recorded)
    assert received_late_files(recorded, WindowListing("2026-11-28", 4, 6, 12, t + timedelta(hours=1)))
    # A file replaced by a newer write of the same name (the sink's retry) counts too.
    assert received_late_files(recorded, WindowListing("2026-11-28", 3, 5, 10, t + timedelta(hours=1)))
    assert window_prefixes("s3a://b/events", "2026-11-28", 30, 2) == [
        "s3a://b/events/dt=2026-11-27/hour=23/",
        "s3a://b/events/dt=2026-11-28/",
        "s3a://b/events/dt=2026-11-29/hour=00/",
        "s3a://b/events/dt=2026-11-29/hour=01/",
    ]
