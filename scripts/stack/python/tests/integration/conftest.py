"""Fixtures for tests that run against the stack's live S3 endpoint (scripts/stack/up.sh)."""

import os
import uuid
from collections.abc import Iterator

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import EndpointConnectionError


@pytest.fixture(scope="session")
def s3():
    endpoint = os.environ.get("S3_ENDPOINT_URL")
    # Failing rather than skipping: a green run that never reached the server would prove nothing.
    if not endpoint:
        pytest.fail("S3_ENDPOINT_URL is not set; run via scripts/stack/test.sh or export it")
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=os.environ.get("S3_REGION", "us-east-1"),
        aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "local"),
        aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "localsecret"),
        # Path style is what Spark's s3a and pyarrow use against a local endpoint.
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )
    try:
        client.list_buckets()
    except EndpointConnectionError as e:
        pytest.fail(f"S3 endpoint {endpoint} is not answering (is the stack up?): {e}")
    return client


@pytest.fixture(scope="session")
def bucket(s3) -> Iterator[str]:
    # A bucket of its own, so the tests neither see nor leave objects in the project's bucket.
    name = f"shop-stack-test-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    yield name
    paginator = s3.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=name):
        for obj in page.get("Contents", []):
            s3.delete_object(Bucket=name, Key=obj["Key"])
    s3.delete_bucket(Bucket=name)


@pytest.fixture
def prefix() -> str:
    return f"t-{uuid.uuid4().hex[:12]}/"
