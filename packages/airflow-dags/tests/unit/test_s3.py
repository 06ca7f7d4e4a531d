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
