"""Checks on the events lake in S3 (or the local S3-compatible server)."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
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
