"""Fixtures for tests against the real local stack: its S3-compatible server and a migrated Airflow DB.

Skipped only when S3_ENDPOINT_URL is unset (no stack configured); set but unreachable is a failure.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from support import REPO_ROOT, TIMINGS

# Filled from stack.env when the environment lacks them, as scripts/lib.sh does.
STACK_ENV_KEYS = ("S3_BUCKET", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "S3_REGION")


def pytest_collection_modifyitems(config, items):
    if os.environ.get("S3_ENDPOINT_URL"):
        return
    skip = pytest.mark.skip(
        reason="S3_ENDPOINT_URL is unset: no local stack to test against (make test sets it)"
    )
    for item in items:
        if "integration" in item.keywords:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter):
    if TIMINGS:
        terminalreporter.section("airflow-dags timings")
        for name, seconds in TIMINGS.items():
            terminalreporter.write_line(f"{name}: {seconds:.1f}s")


def _stack_env() -> dict[str, str]:
    values = {}
    for line in (REPO_ROOT / "stack.env").read_text(encoding="utf-8").splitlines():
        key, sep, value = line.partition("=")
        if sep and key.strip() and not key.lstrip().startswith("#"):
            values[key.strip()] = value.strip()
    return values


@pytest.fixture(scope="session")
def stack_env() -> None:
    defaults = _stack_env()
    for key in STACK_ENV_KEYS:
        if not os.environ.get(key) and defaults.get(key):
            os.environ[key] = defaults[key]
    region = os.environ.get("AWS_REGION") or os.environ.get("S3_REGION") or "us-east-1"
    os.environ.setdefault("AWS_REGION", region)
    os.environ.setdefault("AWS_DEFAULT_REGION", region)


@pytest.fixture(scope="session")
def s3(stack_env):
    """A client for the stack's S3 server; fails (not skips) when the configured server does not answer."""
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError

    endpoint = os.environ["S3_ENDPOINT_URL"]
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        config=Config(
            s3={"addressing_style": "path"}, connect_timeout=3, read_timeout=30, retries={"max_attempts": 2}
        ),
    )
    try:
        client.list_buckets()
    except (BotoCoreError, ClientError) as err:
        pytest.fail(f"S3_ENDPOINT_URL={endpoint} is set but the S3 server does not answer: {err}")
    return client


@pytest.fixture(scope="session")
def airflow_db() -> None:
    """`airflow db migrate` into the session's AIRFLOW_HOME: what dag.test() needs on SQLite."""
    airflow = Path(sys.executable).with_name("airflow")
    started = time.monotonic()
    result = subprocess.run([str(airflow), "db", "migrate"], capture_output=True, text=True, check=False)
    TIMINGS["airflow db migrate"] = time.monotonic() - started
    if result.returncode != 0:
        pytest.fail(f"airflow db migrate failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
