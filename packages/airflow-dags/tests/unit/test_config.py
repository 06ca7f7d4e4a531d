from __future__ import annotations

import json
from pathlib import Path

import pytest

from shop_dags.config import (
    STREAM_JOB_NAME,
    ConfigError,
    DeployTarget,
    load_config,
    load_stream_watch_config,
)
from support import REPO_ROOT

SUBMIT_ENV = {
    "SHOP_DEPLOY_TARGET": "databricks",
    "SHOP_DATABRICKS_PYTHON_FILE": "/Workspace/shop/sessionize_batch.py",
    "SHOP_DATABRICKS_CLUSTER_ID": "0101-abc",
}


def test_defaults_describe_the_local_stack():
    config = load_config({})

    assert config.target is DeployTarget.LOCAL
    assert config.events_url == "s3a://shop-analytics-local/events"
    assert config.sessions_url == "s3a://shop-analytics-local/sessions"
    assert (config.session_gap_minutes, config.task_retries) == (30, 2)
    assert config.local.repo_root == REPO_ROOT
    assert config.local.jobs_project == REPO_ROOT / "packages" / "processing-jobs"
    assert config.local.python_command == (
        str(REPO_ROOT / "packages" / "processing-jobs" / ".venv" / "bin" / "python"),
    )
    assert (config.lookahead_hours, config.settle_minutes, config.late_days) == (2, 15, 7)
    assert config.table_url("users") == "s3a://shop-analytics-local/users"
    assert config.manifests_url == "s3a://shop-analytics-local/_manifests"
    assert config.databricks is None


def test_bucket_and_overrides_flow_into_the_paths(tmp_path: Path):
    config = load_config(
        {
            "S3_BUCKET": "lake",
            "SHOP_SESSIONS_URL": "s3://other/sessions/",
            "SHOP_JOBS_PROJECT": str(tmp_path),
            "SHOP_JOBS_PYTHON": "uv run --project 'a dir' python",
        }
    )

    assert config.events_url == "s3a://lake/events"
    assert config.sessions_url == "s3://other/sessions"
    assert config.local.jobs_project == tmp_path
    assert config.local.python_command == ("uv", "run", "--project", "a dir", "python")


def test_unknown_target_names_the_variable_and_the_choices():
    with pytest.raises(ConfigError) as err:
        load_config({"SHOP_DEPLOY_TARGET": "spark"})

    assert "SHOP_DEPLOY_TARGET='spark' is not one of: local, databricks" in str(err.value)


def test_every_problem_is_reported_at_once(tmp_path: Path):
    with pytest.raises(ConfigError) as err:
        load_config(
            {
                "SHOP_SESSION_GAP_MINUTES": "half an hour",
                "SHOP_TASK_RETRIES": "-1",
                "SHOP_EVENTS_URL": "/local/events",
                "SHOP_JOBS_PROJECT": str(tmp_path / "missing"),
                "SHOP_MAX_LATE_SHARE": "1.5",
            }
        )

    message = str(err.value)
    assert "SHOP_MAX_LATE_SHARE=1.5 must be between 0 and 1" in message
    assert "SHOP_SESSION_GAP_MINUTES='half an hour' is not an integer" in message
    assert "SHOP_TASK_RETRIES=-1 must be at least 0" in message
    assert "SHOP_EVENTS_URL='/local/events' must look like s3a://<bucket>/<prefix>" in message
    assert f"SHOP_JOBS_PROJECT: {tmp_path / 'missing'} is not a directory" in message


def test_databricks_without_a_job_or_a_python_file_is_an_error():
    with pytest.raises(ConfigError, match="SHOP_DATABRICKS_JOB_ID or SHOP_DATABRICKS_JOB_NAME"):
        load_config({"SHOP_DEPLOY_TARGET": "databricks"})


def test_databricks_existing_job_by_name():
    config = load_config({"SHOP_DEPLOY_TARGET": "DataBricks", "SHOP_DATABRICKS_JOB_NAME": "shop-sessionize"})

    assert config.target is DeployTarget.DATABRICKS
    assert config.local is None
    assert config.databricks.runs_existing_job
    assert config.databricks.job_name == "shop-sessionize"
    assert config.databricks.conn_id == "databricks_default"


def test_databricks_job_id_must_be_a_positive_integer():
    with pytest.raises(ConfigError, match="SHOP_DATABRICKS_JOB_ID='job-7' is not an integer"):
        load_config({"SHOP_DEPLOY_TARGET": "databricks", "SHOP_DATABRICKS_JOB_ID": "job-7"})


def test_databricks_job_id_and_name_are_exclusive():
    with pytest.raises(ConfigError, match="only one of SHOP_DATABRICKS_JOB_ID and SHOP_DATABRICKS_JOB_NAME"):
        load_config(
            {
                "SHOP_DEPLOY_TARGET": "databricks",
                "SHOP_DATABRICKS_JOB_ID": "7",
                "SHOP_DATABRICKS_JOB_NAME": "x",
            }
        )


def test_databricks_one_off_run_needs_exactly_one_cluster_choice():
    both = {**SUBMIT_ENV, "SHOP_DATABRICKS_NEW_CLUSTER": json.dumps({"spark_version": "17.3.x-scala2.13"})}
    neither = {k: v for k, v in SUBMIT_ENV.items() if k != "SHOP_DATABRICKS_CLUSTER_ID"}
    for env in (both, neither):
        with pytest.raises(
            ConfigError, match="exactly one of SHOP_DATABRICKS_CLUSTER_ID or SHOP_DATABRICKS_NEW_CLUSTER"
        ):
            load_config(env)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("{not json", "is not valid JSON"), ("[1, 2]", "must be a JSON object")],
)
def test_databricks_new_cluster_must_be_a_json_object(raw: str, expected: str):
    env = {k: v for k, v in SUBMIT_ENV.items() if k != "SHOP_DATABRICKS_CLUSTER_ID"}
    with pytest.raises(ConfigError, match=expected):
        load_config({**env, "SHOP_DATABRICKS_NEW_CLUSTER": raw})


# --- the fraud stream watch ---------------------------------------------------------------------------------


def test_stream_watch_defaults_are_where_stream_sh_keeps_the_local_stream():
    config = load_stream_watch_config({})

    assert config.target is DeployTarget.LOCAL
    assert (config.stall_seconds, config.recovery_seconds, config.task_retries) == (300, 300, 2)
    local = config.local
    assert local.control_script == REPO_ROOT / "scripts" / "stack" / "stream.sh"
    assert local.checkpoint == REPO_ROOT / ".stack" / "stream" / "fraud" / "checkpoint"
    assert local.pid_file == REPO_ROOT / ".stack" / "stream" / "fraud" / "fraud_stream.pid"
    # From stack.env, as scripts/lib.sh reads it.
    assert (local.brokers, local.topic) == ("127.0.0.1:19092", "events.raw")
    assert config.databricks is None


def test_stream_watch_follows_the_stacks_own_variables(tmp_path: Path):
    config = load_stream_watch_config(
        {
            "STACK_DIR": str(tmp_path / "stack"),
            "KAFKA_PORT": "29092",
            "KAFKA_TOPIC_RAW": "it.raw",
            "SHOP_STREAM_STALL_SECONDS": "60",
        }
    )

    assert config.local.stream_dir == tmp_path / "stack" / "stream" / "fraud"
    assert (config.local.brokers, config.local.topic) == ("127.0.0.1:29092", "it.raw")
    assert config.stall_seconds == 60

    explicit = load_stream_watch_config(
        {"FRAUD_STREAM_DIR": str(tmp_path), "KAFKA_BROKERS": "k1:9092,k2:9092"}
    )
    assert explicit.local.checkpoint == tmp_path / "checkpoint"
    assert explicit.local.brokers == "k1:9092,k2:9092"


def test_stream_watch_needs_none_of_the_batch_jobs_databricks_settings():
    config = load_stream_watch_config({"SHOP_DEPLOY_TARGET": "databricks"})

    assert config.local is None
    assert config.databricks.job_name == STREAM_JOB_NAME
    assert config.databricks.job_id is None
    assert config.databricks.conn_id == "databricks_default"


def test_stream_watch_job_id_replaces_the_default_name():
    config = load_stream_watch_config(
        {"SHOP_DEPLOY_TARGET": "databricks", "SHOP_DATABRICKS_STREAM_JOB_ID": "42"}
    )

    assert (config.databricks.job_id, config.databricks.job_name) == (42, None)


def test_stream_watch_reports_every_problem_at_once(tmp_path: Path):
    with pytest.raises(ConfigError) as err:
        load_stream_watch_config(
            {
                "SHOP_STREAM_STALL_SECONDS": "five minutes",
                "SHOP_STREAM_RECOVERY_SECONDS": "0",
                "SHOP_STREAM_SCRIPT": str(tmp_path / "missing.sh"),
            }
        )

    message = str(err.value)
    assert "SHOP_STREAM_STALL_SECONDS='five minutes' is not an integer" in message
    assert "SHOP_STREAM_RECOVERY_SECONDS=0 must be at least 1" in message
    assert f"SHOP_STREAM_SCRIPT: {tmp_path / 'missing.sh'} is not a file" in message


def test_stream_watch_job_id_and_name_are_exclusive():
    with pytest.raises(
        ConfigError, match="only one of SHOP_DATABRICKS_STREAM_JOB_ID and SHOP_DATABRICKS_STREAM_JOB_NAME"
    ):
        load_stream_watch_config(
            {
                "SHOP_DEPLOY_TARGET": "databricks",
                "SHOP_DATABRICKS_STREAM_JOB_ID": "7",
                "SHOP_DATABRICKS_STREAM_JOB_NAME": "x",
            }
        )
