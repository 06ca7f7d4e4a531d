"""The S3 behaviours the pipeline relies on, checked against the stack's S3 server.

Parquet readers fetch the footer with a suffix range (`bytes=-N`), Spark and Athena-style partition
discovery walk `dt=/hour=` prefixes with delimiter listings, the exactly-once file pattern overwrites
a key on retry, and large files arrive as multipart uploads. npm's s3rver got the first two wrong.
"""

import hashlib
import os

import pytest

BODY = b"0123456789"


@pytest.fixture
def ten_bytes(s3, bucket, prefix) -> str:
    key = f"{prefix}ten.bin"
    s3.put_object(Bucket=bucket, Key=key, Body=BODY)
    return key


def test_suffix_range_returns_the_last_bytes(s3, bucket, ten_bytes):
    resp = s3.get_object(Bucket=bucket, Key=ten_bytes, Range="bytes=-4")

    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert resp["Body"].read() == b"6789"
    assert resp["ContentRange"] == "bytes 6-9/10"
    assert resp["ContentLength"] == 4


def test_suffix_range_longer_than_the_object_returns_all_of_it(s3, bucket, ten_bytes):
    # Readers ask for a fixed-size footer (e.g. 64 KiB) whatever the file's size.
    resp = s3.get_object(Bucket=bucket, Key=ten_bytes, Range="bytes=-65536")

    assert resp["Body"].read() == BODY


@pytest.mark.parametrize(
    ("range_header", "expected", "content_range"),
    [
        ("bytes=0-3", b"0123", "bytes 0-3/10"),
        ("bytes=2-5", b"2345", "bytes 2-5/10"),
        ("bytes=9-9", b"9", "bytes 9-9/10"),
        ("bytes=7-", b"789", "bytes 7-9/10"),
        ("bytes=8-100", b"89", "bytes 8-9/10"),
    ],
)
def test_byte_ranges(s3, bucket, ten_bytes, range_header, expected, content_range):
    resp = s3.get_object(Bucket=bucket, Key=ten_bytes, Range=range_header)

    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert resp["Body"].read() == expected
    assert resp["ContentRange"] == content_range


def test_unsatisfiable_range_is_rejected(s3, bucket, ten_bytes):
    with pytest.raises(s3.exceptions.ClientError) as err:
        s3.get_object(Bucket=bucket, Key=ten_bytes, Range="bytes=10-20")

    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 416


def _list_level(s3, bucket, prefix, page_size=1000):
    """Every common prefix and key directly under `prefix`, following continuation tokens."""
    prefixes, keys = [], []
    kwargs = {"Bucket": bucket, "Prefix": prefix, "Delimiter": "/", "MaxKeys": page_size}
    while True:
        resp = s3.list_objects_v2(**kwargs)
        prefixes += [p["Prefix"] for p in resp.get("CommonPrefixes", [])]
        keys += [o["Key"] for o in resp.get("Contents", [])]
        if not resp["IsTruncated"]:
            return prefixes, keys
        kwargs["ContinuationToken"] = resp["NextContinuationToken"]


@pytest.fixture
def partitioned(s3, bucket, prefix) -> str:
    for key in [
        "events/dt=2026-01-01/hour=01/x.parquet",
        "events/dt=2026-01-01/hour=01/y.parquet",
        "events/dt=2026-01-01/hour=02/z.parquet",
        "events/dt=2026-01-02/hour=00/a.parquet",
        "events/_SUCCESS",
        "other/readme.txt",
    ]:
        s3.put_object(Bucket=bucket, Key=prefix + key, Body=b"x")
    return prefix


@pytest.mark.parametrize("page_size", [1000, 1])
def test_delimiter_listing_gives_common_prefixes_at_every_level(s3, bucket, partitioned, page_size):
    root = partitioned

    assert _list_level(s3, bucket, root, page_size) == ([f"{root}events/", f"{root}other/"], [])
    assert _list_level(s3, bucket, f"{root}events/", page_size) == (
        [f"{root}events/dt=2026-01-01/", f"{root}events/dt=2026-01-02/"],
        [f"{root}events/_SUCCESS"],
    )
    assert _list_level(s3, bucket, f"{root}events/dt=2026-01-01/", page_size) == (
        [f"{root}events/dt=2026-01-01/hour=01/", f"{root}events/dt=2026-01-01/hour=02/"],
        [],
    )
    assert _list_level(s3, bucket, f"{root}events/dt=2026-01-01/hour=01/", page_size) == (
        [],
        [f"{root}events/dt=2026-01-01/hour=01/x.parquet", f"{root}events/dt=2026-01-01/hour=01/y.parquet"],
    )


def test_listing_without_delimiter_is_recursive(s3, bucket, partitioned):
    resp = s3.list_objects_v2(Bucket=bucket, Prefix=f"{partitioned}events/dt=")

    assert "CommonPrefixes" not in resp
    assert resp["KeyCount"] == 4


def test_overwriting_a_key_replaces_its_content(s3, bucket, prefix):
    key = f"{prefix}events+0+00000000000000000042.parquet"
    first = s3.put_object(Bucket=bucket, Key=key, Body=b"first attempt, longer body")
    second = s3.put_object(Bucket=bucket, Key=key, Body=b"retry")

    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == b"retry"
    assert first["ETag"] != second["ETag"]
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=prefix)["Contents"]
    assert [(o["Key"], o["Size"]) for o in listed] == [(key, 5)]


def test_multipart_upload_round_trips(s3, bucket, prefix):
    key = f"{prefix}big.parquet"
    part_size = 5 * 1024 * 1024  # S3's minimum for every part but the last
    parts_data = [os.urandom(part_size), os.urandom(part_size), b"tail"]
    upload = s3.create_multipart_upload(Bucket=bucket, Key=key)
    parts = []
    for number, data in enumerate(parts_data, start=1):
        resp = s3.upload_part(
            Bucket=bucket, Key=key, UploadId=upload["UploadId"], PartNumber=number, Body=data
        )
        parts.append({"PartNumber": number, "ETag": resp["ETag"]})

    # Nothing is visible before completion.
    assert s3.list_objects_v2(Bucket=bucket, Prefix=key)["KeyCount"] == 0
    done = s3.complete_multipart_upload(
        Bucket=bucket, Key=key, UploadId=upload["UploadId"], MultipartUpload={"Parts": parts}
    )

    whole = b"".join(parts_data)
    got = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    assert hashlib.sha256(got).hexdigest() == hashlib.sha256(whole).hexdigest()
    assert done["ETag"].strip('"').endswith("-3")
    # A range across the first part boundary, and the footer of the last part.
    boundary = s3.get_object(Bucket=bucket, Key=key, Range=f"bytes={part_size - 2}-{part_size + 1}")
    assert boundary["Body"].read() == whole[part_size - 2 : part_size + 2]
    assert s3.get_object(Bucket=bucket, Key=key, Range="bytes=-6")["Body"].read() == whole[-6:]
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []


def test_aborted_multipart_upload_leaves_nothing(s3, bucket, prefix):
    key = f"{prefix}aborted.bin"
    upload = s3.create_multipart_upload(Bucket=bucket, Key=key)
    s3.upload_part(Bucket=bucket, Key=key, UploadId=upload["UploadId"], PartNumber=1, Body=b"x" * 1024)

    s3.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload["UploadId"])

    assert s3.list_objects_v2(Bucket=bucket, Prefix=key)["KeyCount"] == 0
    uploads = s3.list_multipart_uploads(Bucket=bucket, Prefix=key).get("Uploads", [])
    assert uploads == []


def test_stack_bucket_exists(s3):
    # up.sh creates it; every consumer of the stack expects it.
    s3.head_bucket(Bucket=os.environ["S3_BUCKET"])
