"""Session-scoped fixtures shared by the unit and integration suites.

One local[1] SparkSession serves every test. When S3_ENDPOINT_URL is set (as `make test` does), it is
built with the s3a jars and settings, so the integration tests reach the local S3 server through s3a.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pyspark.sql import DataFrame, SparkSession
from support import LAKE_COPIES, LAKE_WINNERS, PACKAGE_DIR, STORAGE_ROWS, stack_env

from shop_jobs.contract import STORAGE_SCHEMA_VERSION
from shop_jobs.lake import add_partition_columns
from shop_jobs.schema import TableSchema, find_schema_dir, load_event_schema, load_sessions_schema
from shop_jobs.spark_session import get_spark, s3a_jars_dir

STACK_ENV_KEYS = ("S3_BUCKET", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION")

# Python turns collected timestamps into naive datetimes in the process's zone; UTC keeps them equal
# to the UTC instants the tests write down.
os.environ["TZ"] = "UTC"
time.tzset()


def _prepare_s3_environment() -> None:
    """With S3_ENDPOINT_URL set, fill the other S3 settings from stack.env and make sure the jars exist."""
    if not os.environ.get("S3_ENDPOINT_URL"):
        return
    defaults = stack_env()
    for key in STACK_ENV_KEYS:
        if not os.environ.get(key) and defaults.get(key):
            os.environ[key] = defaults[key]
    jars = s3a_jars_dir()
    if jars is None or not any(jars.glob("*.jar")):
        # Normally scripts/bootstrap.sh has done this; a bare `uv run pytest` still works.
        subprocess.run(["bash", str(PACKAGE_DIR / "scripts" / "fetch-jars.sh")], check=True, stdout=subprocess.DEVNULL)


@pytest.fixture(scope="session")
def spark() -> Iterator[SparkSession]:
    _prepare_s3_environment()
    session = get_spark(
        "shop-jobs-tests",
        master="local[1]",
        conf={
            "spark.sql.shuffle.partitions": "1",
            "spark.default.parallelism": "1",
            # Tests are many tiny jobs in a short-lived JVM: C1 alone and a serial GC spend less of the
            # 2 shared cores on compiling and collecting than they save.
            "spark.driver.extraJavaOptions": "-Duser.timezone=UTC -XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
        },
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def event_schema() -> TableSchema:
    return load_event_schema()


@pytest.fixture(scope="session")
def schema_dir() -> Path:
    return find_schema_dir()


JsonlReader = Callable[[Path], DataFrame]

# The contract's fixtures write instants as ISO-8601 in UTC with milliseconds and a Z. Spelled out, so
# that any other form fails the read instead of being guessed at (FAILFAST).
ISO_UTC_MILLIS = "yyyy-MM-dd'T'HH:mm:ss.SSSXXX"


@pytest.fixture(scope="session")
def read_jsonl(spark: SparkSession, event_schema: TableSchema) -> JsonlReader:
    """read_jsonl(path) -> the storage rows of a contract fixture file (one JSON object per line), read with
    the generated schema and given the dt/hour partition columns the S3 sink would put in their path.

    Spark's reader would drop a key the schema lacks and null a column the file lacks, so every line is
    first checked to hold exactly the events table's columns.
    """
    columns = set(event_schema.data.fieldNames())

    def read(path: Path) -> DataFrame:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            keys = set(json.loads(line))
            assert keys == columns, (
                f"{path}:{number}: not the events columns: extra {sorted(keys - columns)}, "
                f"missing {sorted(columns - keys)}"
            )
        rows = (
            spark.read.schema(event_schema.data)
            .option("mode", "FAILFAST")
            .option("timestampFormat", ISO_UTC_MILLIS)
            .json(str(path))
        )
        return add_partition_columns(rows)

    return read


@pytest.fixture(scope="session")
def storage_rows(read_jsonl: JsonlReader) -> DataFrame:
    """The shared fixture rows (packages/event-schema/fixtures/storage/rows.jsonl)."""
    return read_jsonl(STORAGE_ROWS)


@pytest.fixture(scope="session")
def lake_copies(read_jsonl: JsonlReader) -> DataFrame:
    """Several deliveries of the same events (packages/event-schema/fixtures/lake/copies.jsonl)."""
    return read_jsonl(LAKE_COPIES)


@pytest.fixture(scope="session")
def lake_winners(read_jsonl: JsonlReader) -> DataFrame:
    """The copy of each event every reader keeps (packages/event-schema/fixtures/lake/winners.jsonl)."""
    return read_jsonl(LAKE_WINNERS)


EventFactory = Callable[..., DataFrame]


@pytest.fixture(scope="session")
def make_events(spark: SparkSession, event_schema: TableSchema) -> EventFactory:
    """make_events(dict, ...) -> storage rows in the generated schema (unset columns null, dt/hour added).

    Each dict needs event_id, anonymous_id and event_ts; event_type defaults to "track", received_at to
    event_ts, schema_version to the contract's (STORAGE_SCHEMA_VERSION).
    """

    def build(*events: dict[str, Any]) -> DataFrame:
        names = event_schema.data.fieldNames()
        rows = []
        for event in events:
            unknown = set(event) - set(names)
            assert not unknown, f"not storage columns: {sorted(unknown)}"
            row = dict.fromkeys(names)
            row.update(event_type="track", received_at=event["event_ts"], schema_version=STORAGE_SCHEMA_VERSION)
            row.update(event)
            rows.append(tuple(row[name] for name in names))
        return add_partition_columns(spark.createDataFrame(rows, event_schema.data))

    return build


@pytest.fixture(scope="session")
def sessions_schema() -> TableSchema:
    return load_sessions_schema()


SessionFactory = Callable[..., DataFrame]


@pytest.fixture(scope="session")
def make_sessions(spark: SparkSession, sessions_schema: TableSchema) -> SessionFactory:
    """make_sessions(dict, ...) -> sessions rows in the contract's schema, dt included (support.session
    builds complete dicts)."""

    def build(*rows: dict[str, Any]) -> DataFrame:
        schema = sessions_schema.full
        # Unless a row says otherwise, the earliest session of each anonymous id is its visitor's first.
        earliest: dict[str, Any] = {}
        for row in rows:
            anonymous_id, start = row["anonymous_id"], row["session_start"]
            earliest[anonymous_id] = min(start, earliest.get(anonymous_id, start))
        rows = tuple({"is_new_visitor": row["session_start"] == earliest[row["anonymous_id"]], **row} for row in rows)
        return spark.createDataFrame([tuple(row[name] for name in schema.fieldNames()) for row in rows], schema)

    return build


@dataclass(frozen=True)
class S3Target:
    """The local S3 server and a prefix of the bucket that only this test session writes under."""

    client: Any
    bucket: str
    prefix: str

    @property
    def s3a_root(self) -> str:
        return f"s3a://{self.bucket}/{self.prefix}"

    def keys(self, under: str) -> list[str]:
        paginator = self.client.get_paginator("list_objects_v2")
        pages = paginator.paginate(Bucket=self.bucket, Prefix=f"{self.prefix}/{under}")
        return sorted(obj["Key"] for page in pages for obj in page.get("Contents", []))


@pytest.fixture(scope="session")
def s3(spark: SparkSession) -> Iterator[S3Target]:
    """Skips only when S3_ENDPOINT_URL is unset; a set but unreachable endpoint fails the tests."""
    endpoint = os.environ.get("S3_ENDPOINT_URL")
    if not endpoint:
        pytest.skip(
            "S3_ENDPOINT_URL is unset: no S3 server to test against (`make up`, then S3_ENDPOINT_URL=http://127.0.0.1:19000)"
        )
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError

    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=os.environ["AWS_REGION"],
        aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
        config=Config(connect_timeout=3, read_timeout=30, retries={"max_attempts": 2}, s3={"addressing_style": "path"}),
    )
    bucket = os.environ["S3_BUCKET"]
    try:
        client.list_buckets()
    except (BotoCoreError, ClientError) as err:
        pytest.fail(f"S3_ENDPOINT_URL={endpoint} is set but the S3 server does not answer: {err}", pytrace=False)
    try:
        client.head_bucket(Bucket=bucket)
    except ClientError:
        # The stack creates it; a server started by hand may not have it yet.
        client.create_bucket(Bucket=bucket)
    target = S3Target(client, bucket, f"tests/processing-jobs/{uuid.uuid4().hex}")
    yield target
    for key in target.keys(""):
        client.delete_object(Bucket=bucket, Key=key)


@dataclass
class KafkaTarget:
    """The local Kafka broker, through Kafka's own admin client in Spark's JVM (the Kafka source's jars)."""

    brokers: str
    jvm: Any
    admin: Any
    created: list[str]

    def topic(self, partitions: int = 1) -> str:
        """A new topic only this test writes to (the stack's broker does not create topics on first use)."""
        jvm = self.jvm
        name = f"test-processing-jobs-{uuid.uuid4().hex[:12]}"
        new_topic = jvm.org.apache.kafka.clients.admin.NewTopic(name, partitions, jvm.java.lang.Short.valueOf("1"))
        topics = jvm.java.util.ArrayList()
        topics.add(new_topic)
        self.admin.createTopics(topics).all().get()
        self.created.append(name)
        return name


@pytest.fixture(scope="session")
def kafka(spark: SparkSession) -> Iterator[KafkaTarget]:
    """Skips only when KAFKA_BROKERS is unset; a set but unreachable broker fails the tests."""
    brokers = os.environ.get("KAFKA_BROKERS")
    if not brokers:
        pytest.skip("KAFKA_BROKERS is unset: no broker to test against (`make up`, then KAFKA_BROKERS=127.0.0.1:19092)")
    jvm = spark.sparkContext._jvm
    props = jvm.java.util.Properties()
    props.put("bootstrap.servers", brokers)
    admin = jvm.org.apache.kafka.clients.admin.AdminClient.create(props)
    try:
        admin.describeCluster().nodes().get()
    except Exception as err:  # py4j wraps the Java exception
        pytest.fail(f"KAFKA_BROKERS={brokers} is set but the broker does not answer: {err}", pytrace=False)
    target = KafkaTarget(brokers, jvm, admin, [])
    yield target
    if target.created:
        admin.deleteTopics(jvm.java.util.ArrayList(target.created)).all().get()
    admin.close()
