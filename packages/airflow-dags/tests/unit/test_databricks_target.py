"""The databricks target builds the right operator and request body; nothing here calls Databricks."""

from __future__ import annotations

import json
import socket

import pytest
from airflow.providers.databricks.operators.databricks import (
    DatabricksRunNowOperator,
    DatabricksSubmitRunOperator,
)

from support import load_dagbag

DAY = "2026-11-27"
SESSIONIZE_NAME = "shop-sessionize-batch"
EXPECTED_PARAMS = [
    "--events-path", "s3a://prod-lake/events",
    "--sessions-path", "s3a://prod-lake/sessions",
    "--date", DAY,
    "--gap-minutes", "30",
    "--lookahead-hours", "2",
    "--users-path", "s3a://prod-lake/users",
]  # fmt: skip


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch):
    def refuse(*args, **kwargs):
        raise AssertionError("network access")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setenv("SHOP_DEPLOY_TARGET", "databricks")
    monkeypatch.setenv("S3_BUCKET", "prod-lake")
    monkeypatch.setenv("SHOP_DATABRICKS_CONN_ID", "databricks_shop")


def sessionize_task():
    bag = load_dagbag()
    assert bag.import_errors == {}
    return bag.dags["shop_daily_batch"].get_task("sessionize_batch")


def rendered(operator):
    operator.render_template_fields({"ds": DAY})
    return operator


def wire_body(operator) -> dict:
    """The request body the operator would post, built by the provider's own (private) code path.

    Private, so a provider upgrade may break this helper; that is the point: the test then says so.
    The provider sends numbers as strings (its normalise_json_content), which the Jobs API accepts.
    """
    if isinstance(operator, DatabricksSubmitRunOperator):
        body = operator._prepare_submit_json({})
    else:
        body = operator._build_run_now_payload({})
    return json.loads(json.dumps(body))


def test_existing_job_by_name_is_run_now_with_the_cli_parameters(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SHOP_DATABRICKS_JOB_NAME", "shop-sessionize")

    task = rendered(sessionize_task())

    assert isinstance(task, DatabricksRunNowOperator)
    assert task.databricks_conn_id == "databricks_shop"
    assert task.job_name == "shop-sessionize"
    assert task.job_id is None
    assert task.python_params == EXPECTED_PARAMS


def test_existing_job_by_id(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SHOP_DATABRICKS_JOB_ID", "1234")

    task = rendered(sessionize_task())

    assert wire_body(task) == {"job_id": "1234", "python_params": EXPECTED_PARAMS}


def test_one_off_run_is_submitted_as_a_spark_python_task(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SHOP_DATABRICKS_PYTHON_FILE", "/Workspace/shop/jobs/sessionize_batch.py")
    monkeypatch.setenv(
        "SHOP_DATABRICKS_NEW_CLUSTER", '{"spark_version": "17.3.x-scala2.13", "num_workers": 2}'
    )
    monkeypatch.setenv("SHOP_DATABRICKS_WHEEL", "/Volumes/shop/artifacts/shop_jobs-0.1.0-py3-none-any.whl")

    task = rendered(sessionize_task())

    assert isinstance(task, DatabricksSubmitRunOperator)
    assert task.databricks_conn_id == "databricks_shop"
    assert wire_body(task) == {
        "run_name": f"shop_daily_batch sessionize {DAY}",
        "timeout_seconds": "7200",
        "tasks": [
            {
                "task_key": "sessionize_batch",
                "spark_python_task": {
                    "python_file": "/Workspace/shop/jobs/sessionize_batch.py",
                    "parameters": EXPECTED_PARAMS,
                },
                "new_cluster": {"spark_version": "17.3.x-scala2.13", "num_workers": "2"},
                "libraries": [{"whl": "/Volumes/shop/artifacts/shop_jobs-0.1.0-py3-none-any.whl"}],
            }
        ],
    }


def test_one_off_run_on_an_existing_cluster(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SHOP_DATABRICKS_PYTHON_FILE", "dbfs:/shop/sessionize_batch.py")
    monkeypatch.setenv("SHOP_DATABRICKS_CLUSTER_ID", "0101-abc")

    (task_spec,) = wire_body(rendered(sessionize_task()))["tasks"]

    assert task_spec["existing_cluster_id"] == "0101-abc"
    assert "new_cluster" not in task_spec
    assert "libraries" not in task_spec


def test_every_batch_job_runs_the_bundles_job_of_the_same_name(monkeypatch: pytest.MonkeyPatch):
    """The names the DAGs run on Databricks are the bundle's (packages/processing-jobs/resources)."""
    import yaml

    from shop_dags.jobs import BATCH_JOBS
    from support import REPO_ROOT

    resources = REPO_ROOT / "packages" / "processing-jobs" / "resources"
    bundle = {}
    for path in resources.glob("*.job.yml"):
        for key, job in yaml.safe_load(path.read_text(encoding="utf-8"))["resources"]["jobs"].items():
            bundle[key] = job["name"]
    for job in BATCH_JOBS:
        assert bundle[job.key] == job.bundle_name
    monkeypatch.setenv("SHOP_DATABRICKS_JOB_NAME", SESSIONIZE_NAME)
    bag = load_dagbag()
    assert bag.import_errors == {}
    late = bag.dags["shop_late_data"]
    for job in BATCH_JOBS:
        operator = late.get_task(job.key)
        # Per-day jobs are mapped over the late days; the users rebuild runs once.
        mapped = getattr(operator, "partial_kwargs", None)
        assert (mapped["job_name"] if mapped is not None else operator.job_name) == job.bundle_name
    daily = bag.dags["shop_daily_batch"]
    for job in BATCH_JOBS[1:]:
        operator = daily.get_task(job.key)
        assert isinstance(operator, DatabricksRunNowOperator)
        assert operator.job_name == job.bundle_name
        params = rendered(operator).python_params
        # Each job's last parameter: the day, the users table, or (quality checks) the late-share bound.
        assert params[-3:] in ([*params[-3:-1], DAY], [*params[-3:-1], "s3a://prod-lake/users"],
                               [DAY, "--max-late-share", "0.2"]), params  # fmt: skip
