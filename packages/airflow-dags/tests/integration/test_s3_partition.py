"""The partition check against the stack's real S3-compatible server."""

from __future__ import annotations

import uuid

import pytest

from shop_dags.s3 import make_s3_client, partition_status

pytestmark = pytest.mark.integration


@pytest.fixture
def bucket(s3):
    name = f"shop-airflow-it-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=name)
    yield name
    for obj in s3.list_objects_v2(Bucket=name).get("Contents", []):
        s3.delete_object(Bucket=name, Key=obj["Key"])
    s3.delete_bucket(Bucket=name)


def test_only_parquet_files_make_a_partition_present(s3, bucket):
    s3.put_object(Bucket=bucket, Key="events/dt=2026-11-27/hour=3/part-0.parquet", Body=b"x" * 10)
    s3.put_object(Bucket=bucket, Key="events/dt=2026-11-27/hour=4/part-1.parquet", Body=b"x" * 5)
    s3.put_object(Bucket=bucket, Key="events/dt=2026-11-28/_temporary/0", Body=b"")
    # A neighbouring day whose name starts with the same characters must not count.
    s3.put_object(Bucket=bucket, Key="events/dt=2026-11-270/part-0.parquet", Body=b"x")

    client = make_s3_client()
    day = partition_status(client, f"s3a://{bucket}/events/dt=2026-11-27/")
    unfinished = partition_status(client, f"s3a://{bucket}/events/dt=2026-11-28/")
    missing = partition_status(client, f"s3a://{bucket}/events/dt=2026-11-29/")

    assert (day.present, day.parquet_files, day.total_bytes) == (True, 2, 15)
    assert not unfinished.present
    assert not missing.present


def test_a_missing_bucket_is_an_error_not_an_absent_partition(s3):
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError, match="NoSuchBucket"):
        partition_status(
            make_s3_client(), f"s3a://shop-airflow-it-missing-{uuid.uuid4().hex[:8]}/events/dt=x/"
        )
