"""The batch DAGs, target databricks: their tasks run the bundle's jobs through the provider's real
DatabricksRunNowOperator and DatabricksHook against a fake workspace on loopback (tests/fake_databricks.py):
the job found by its bundle name, run-now with the entry point's parameters, the run followed to its end.
No real workspace is called."""

from __future__ import annotations

from typing import Any

import pytest
from airflow.exceptions import AirflowException

from fake_databricks import FakeDatabricks, Request, fake_workspace
from shop_dags.jobs import BUILD_USERS, SESSIONIZE, BatchJob
from support import load_dagbag

DAY = "2026-11-27"
TOKEN = "dapi-test-token"
JOBS_LIST = "/api/2.2/jobs/list"
RUN_NOW = "/api/2.2/jobs/run-now"
RUNS_GET = "/api/2.2/jobs/runs/get"
JOB_IDS = {SESSIONIZE.bundle_name: 101, BUILD_USERS.bundle_name: 102}


class TaskInstance:
    """What the operator asks of its task instance: somewhere to push the run id and page, and its tags."""

    def __init__(self) -> None:
        self.xcom: dict[str, Any] = {}
        self.stats_tags: dict[str, str] = {}

    def xcom_push(self, key: str, value: Any) -> None:
        self.xcom[key] = value


@pytest.fixture
def workspace(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("S3_BUCKET", "prod-lake")

    def jobs_named(request: Request) -> dict:
        name = request.query["name"]
        return {"jobs": [{"job_id": JOB_IDS[name], "settings": {"name": name}}]} if name in JOB_IDS else {}

    with fake_workspace(monkeypatch, TOKEN) as fake:
        fake.on("GET", JOBS_LIST, jobs_named)
        yield fake


def run_task(job: BatchJob) -> TaskInstance:
    bag = load_dagbag()
    assert bag.import_errors == {}
    operator = bag.dags["shop_daily_batch"].get_task(job.key)
    operator.render_template_fields({"ds": DAY})
    ti = TaskInstance()
    operator.execute({"ti": ti, "ds": DAY, "params": {}})
    return ti


def finished(run_id: int, result_state: str, message: str = "") -> dict:
    state = {"life_cycle_state": "TERMINATED", "result_state": result_state, "state_message": message}
    return {
        "run_id": run_id,
        "state": state,
        "run_page_url": f"https://dbc.example/runs/{run_id}",
        "tasks": [],
    }


@pytest.mark.parametrize(
    ("job", "params"),
    [
        (SESSIONIZE, ["--events-path", "s3a://prod-lake/events", "--sessions-path", "s3a://prod-lake/sessions",
                      "--date", DAY, "--gap-minutes", "30", "--lookahead-hours", "2",
                      "--users-path", "s3a://prod-lake/users"]),
        (BUILD_USERS, ["--sessions-path", "s3a://prod-lake/sessions", "--users-path", "s3a://prod-lake/users"]),
    ],
)  # fmt: skip
def test_a_task_runs_the_bundles_job_by_name_and_waits_for_its_success(
    workspace: FakeDatabricks, job: BatchJob, params: list[str]
):
    workspace.on("POST", RUN_NOW, {"run_id": 7001, "number_in_job": 7001})
    workspace.on("GET", RUNS_GET, finished(7001, "SUCCESS"))

    ti = run_task(job)

    (lookup,) = workspace.calls("GET", JOBS_LIST)
    assert lookup.query["name"] == job.bundle_name
    assert lookup.headers["authorization"] == f"Bearer {TOKEN}"
    (run_now,) = workspace.calls("POST", RUN_NOW)
    assert run_now.body["job_id"] == JOB_IDS[job.bundle_name]
    assert run_now.body["python_params"] == params
    assert workspace.calls("GET", RUNS_GET)[-1].query["run_id"] == "7001"
    assert "https://dbc.example/runs/7001" in ti.xcom.values()


def test_a_failed_run_fails_the_task_with_the_jobs_message(workspace: FakeDatabricks):
    workspace.on("POST", RUN_NOW, {"run_id": 7002})
    workspace.on("GET", RUNS_GET, finished(7002, "FAILED", "quality check failed: duplicate share 0.07"))

    with pytest.raises(AirflowException, match="FAILED"):
        run_task(SESSIONIZE)


def test_a_job_the_workspace_does_not_have_fails_before_any_run(workspace: FakeDatabricks, monkeypatch):
    monkeypatch.setenv("SHOP_DATABRICKS_JOB_NAME_PREFIX", "[dev someone] ")

    with pytest.raises(AirflowException, match="can not be found"):
        run_task(BUILD_USERS)
    assert workspace.calls("POST", RUN_NOW) == []
