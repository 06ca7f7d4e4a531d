"""Checks on the events lake in S3 (or the local S3-compatible server)."""

from __future__ import annotations

import json
import logging
import math
import os
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PartitionStatus:
    url: str
    parquet_files: int
    total_bytes: int

    @property
    def present(self) -> bool:
        return self.parquet_files > 0

    def as_dict(self) -> dict[str, Any]:
        return {"url": self.url, "parquet_files": self.parquet_files, "total_bytes": self.total_bytes}


def split_s3_url(url: str) -> tuple[str, str]:
    """``s3a://bucket/some/prefix`` -> ``("bucket", "some/prefix")``; s3 and s3a name the same object."""
    parts = urlsplit(url)
    if parts.scheme not in ("s3", "s3a") or not parts.netloc:
        raise ValueError(f"not an S3 URL: {url!r}")
    return parts.netloc, parts.path.strip("/")


def daily_partition_url(dataset_url: str, ds: str) -> str:
    return f"{dataset_url.rstrip('/')}/dt={ds}/"


def make_s3_client() -> Any:
    """A boto3 S3 client; ``S3_ENDPOINT_URL`` points it at the local server, unset means AWS itself."""
    import boto3  # imported here so that parsing a DAG file never loads boto3
    from botocore.config import Config

    endpoint = os.environ.get("S3_ENDPOINT_URL") or None
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        # Local S3-compatible servers answer on one host name only; AWS supports both styles.
        config=Config(
            s3={"addressing_style": "path" if endpoint else "auto"},
            retries={"max_attempts": 3, "mode": "standard"},
        ),
    )


def partition_status(client: Any, partition_url: str) -> PartitionStatus:
    """Count the Parquet files under a partition prefix.

    Only ``*.parquet`` objects count: a writer's temporary or marker objects alone do not make a
    partition readable, and Spark would fail on it.
    """
    bucket, prefix = split_s3_url(partition_url)
    files = 0
    size = 0
    paginator = client.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=bucket, Prefix=f"{prefix}/"):
        for obj in page.get("Contents", []):
            if obj["Key"].endswith(".parquet"):
                files += 1
                size += obj["Size"]
    log.info("%s: %d Parquet files, %d bytes", partition_url, files, size)
    return PartitionStatus(url=partition_url, parquet_files=files, total_bytes=size)


@dataclass(frozen=True)
class WindowListing:
    """The Parquet objects one day's sessionization reads: the day, the last gap of the day before and the
    lookahead hours of the next (processing-jobs' DayWindow), as S3 lists them."""

    day: str
    day_files: int
    files: int
    total_bytes: int
    newest: datetime | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "day": self.day,
            "day_files": self.day_files,
            "files": self.files,
            "total_bytes": self.total_bytes,
            "newest": self.newest.isoformat() if self.newest else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> WindowListing:
        newest = data.get("newest")
        return cls(
            day=data["day"],
            day_files=int(data["day_files"]),
            files=int(data["files"]),
            total_bytes=int(data["total_bytes"]),
            newest=datetime.fromisoformat(newest) if newest else None,
        )


def window_prefixes(events_url: str, ds: str, gap_minutes: int, lookahead_hours: int) -> list[str]:
    """Partition URLs (dt=/ or dt=/hour=/) of the window of day ``ds``."""
    day = date.fromisoformat(ds)
    before = day - timedelta(days=1)
    first_hour_before = 24 - math.ceil(gap_minutes / 60)
    root = events_url.rstrip("/")
    return [
        *(f"{root}/dt={before.isoformat()}/hour={h:02d}/" for h in range(max(first_hour_before, 0), 24)),
        daily_partition_url(root, ds),
        *(
            f"{root}/dt={(day + timedelta(days=1)).isoformat()}/hour={h:02d}/"
            for h in range(min(lookahead_hours, 24))
        ),
    ]


def window_end(ds: str, lookahead_hours: int) -> datetime:
    day = date.fromisoformat(ds)
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=1, hours=lookahead_hours)


def list_window(
    client: Any, events_url: str, ds: str, gap_minutes: int, lookahead_hours: int
) -> WindowListing:
    files = size = day_files = 0
    newest: datetime | None = None
    paginator = client.get_paginator("list_objects_v2")
    day_url = daily_partition_url(events_url, ds)
    for url in window_prefixes(events_url, ds, gap_minutes, lookahead_hours):
        bucket, prefix = split_s3_url(url)
        for page in paginator.paginate(Bucket=bucket, Prefix=f"{prefix}/"):
            for obj in page.get("Contents", []):
                if obj["Key"].endswith(".parquet"):
                    files += 1
                    size += obj["Size"]
                    day_files += url == day_url
                    modified = obj["LastModified"].astimezone(UTC)
                    newest = modified if newest is None or modified > newest else newest
    return WindowListing(day=ds, day_files=day_files, files=files, total_bytes=size, newest=newest)


def completeness(
    listing: WindowListing,
    now: datetime,
    lookahead_hours: int,
    settle_minutes: int,
    wait_for_end: bool = True,
) -> str | None:
    """None when the window is complete, else why not yet.

    Complete means: the window is over by the settle time (the sink's batching and delivery delay), the day
    has files, and none of the window's partitions got a new file within the settle time (the sink has
    caught up; a backlog being written keeps adding files). Presence alone is not enough: a day's
    first files appear minutes after midnight.
    """
    settle = timedelta(minutes=settle_minutes)
    ready_at = window_end(listing.day, lookahead_hours) + settle
    if wait_for_end and now < ready_at:
        return f"the window of {listing.day} is complete at {ready_at.isoformat()} at the earliest"
    if listing.day_files == 0:
        return f"no event files for {listing.day}"
    if listing.newest is not None and now - listing.newest < settle:
        return f"files still arriving (newest written {listing.newest.isoformat()})"
    return None


def manifest_url(manifests_url: str, ds: str) -> str:
    return f"{manifests_url.rstrip('/')}/sessions/dt={ds}.json"


def read_manifest(client: Any, manifests_url: str, ds: str) -> WindowListing | None:
    """What the last sessionization of ``ds`` read, or None when the day was never sessionized by a DAG."""
    bucket, key = split_s3_url(manifest_url(manifests_url, ds))
    try:
        body = client.get_object(Bucket=bucket, Key=key)["Body"].read()
    except client.exceptions.NoSuchKey:
        return None
    return WindowListing.from_dict(json.loads(body)["read"])


def write_manifest(client: Any, manifests_url: str, listing: WindowListing, now: datetime) -> str:
    url = manifest_url(manifests_url, listing.day)
    bucket, key = split_s3_url(url)
    body = {"read": listing.as_dict(), "sessionized_at": now.isoformat()}
    client.put_object(
        Bucket=bucket, Key=key, Body=json.dumps(body, sort_keys=True).encode(), ContentType="application/json"
    )
    return url


def received_late_files(recorded: WindowListing, current: WindowListing) -> bool:
    """Whether the window got files after the run that recorded ``recorded`` listed it."""
    if current.files != recorded.files:
        return True
    return current.newest is not None and (recorded.newest is None or current.newest > recorded.newest)
