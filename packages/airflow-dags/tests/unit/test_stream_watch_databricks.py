"""shop_fraud_stream_watch, target databricks: the DAG's own tasks talk to a fake workspace on loopback
(tests/fake_databricks.py) through the provider's real DatabricksHook. No real workspace is called."""

from __future__ import annotations

import pytest
import yaml
from airflow.sdk.exceptions import AirflowSkipException

from fake_databricks import FakeDatabricks, fake_workspace
from shop_dags.config import STREAM_JOB_NAME
from shop_dags.stream_watch import StreamWatchError
from support import REPO_ROOT, load_dagbag

JOB_ID = 4711
TOKEN = "dapi-test-token"
BUNDLE_JOB = REPO_ROOT / "packages" / "processing-jobs" / "resources" / "fraud_stream.job.yml"

JOBS_LIST = "/api/2.2/jobs/list"
JOBS_GET = "/api/2.2/jobs/get"
RUNS_LIST = "/api/2.2/jobs/runs/list"
RUNS_GET = "/api/2.2/jobs/runs/get"
RUN_NOW = "/api/2.2/jobs/run-now"


def job(pause_status: str = "UNPAUSED") -> dict:
    return {
        "job_id": JOB_ID,
        "settings": {"name": STREAM_JOB_NAME, "continuous": {"pause_status": pause_status}},
    }


def listed_run(
    run_id: int, life_cycle_state: str, result_state: str | None = None, message: str = ""
) -> dict:
    state = {"life_cycle_state": life_cycle_state, "state_message": message}
    if result_state:
        state["result_state"] = result_state
    return {"run_id": run_id, "job_id": JOB_ID, "start_time": 1_800_000_000_000, "state": state}


@pytest.fixture
def workspace(monkeypatch: pytest.MonkeyPatch):
    with fake_workspace(monkeypatch, TOKEN) as fake:
        yield fake


def tasks():
    bag = load_dagbag()
    assert bag.import_errors == {}
    dag = bag.dags["shop_fraud_stream_watch"]
    return dag.get_task("check_stream").python_callable, dag.get_task("restart_stream").python_callable


def test_the_default_job_name_is_the_bundles():
    spec = yaml.safe_load(BUNDLE_JOB.read_text(encoding="utf-8"))

    assert spec["resources"]["jobs"]["fraud_stream"]["name"] == STREAM_JOB_NAME


def test_a_running_run_is_healthy_and_nothing_is_started(workspace: FakeDatabricks):
    workspace.on("GET", JOBS_LIST, {"jobs": [job()]})
    workspace.on(
        "GET", RUNS_LIST, {"runs": [listed_run(12, "RUNNING"), listed_run(11, "TERMINATED", "FAILED")]}
    )
    check, restart = tasks()

    verdict = check()

    assert verdict["health"] == "healthy"
    assert (verdict["job_id"], verdict["run_id"], verdict["paused"]) == (JOB_ID, 12, False)
    with pytest.raises(AirflowSkipException):
        restart(verdict)
    (lookup,) = workspace.calls("GET", JOBS_LIST)
    assert lookup.query["name"] == STREAM_JOB_NAME
    assert lookup.headers["authorization"] == f"Bearer {TOKEN}"
    (runs,) = workspace.calls("GET", RUNS_LIST)
    assert runs.query["job_id"] == str(JOB_ID)
    assert workspace.calls("POST", RUN_NOW) == []


def test_a_paused_job_without_an_active_run_gets_a_run_now(workspace: FakeDatabricks):
    workspace.on("GET", JOBS_LIST, {"jobs": [job("PAUSED")]})
    workspace.on("GET", RUNS_LIST, {"runs": [listed_run(11, "TERMINATED", "CANCELED", "Run cancelled.")]})
    workspace.on("POST", RUN_NOW, {"run_id": 901, "number_in_job": 901})
    workspace.on(
        "GET",
        RUNS_GET,
        {**listed_run(901, "PENDING"), "run_page_url": "https://dbc.example/jobs/4711/runs/901"},
    )
    check, restart = tasks()

    verdict = check()
    outcome = restart(verdict)

    assert verdict["health"] == "not_running"
    assert verdict["paused"] is True
    assert verdict["reason"].startswith(
        "no active run; the latest, 11, is TERMINATED CANCELED: Run cancelled."
    )
    assert outcome == {
        "restarted": True,
        "job_id": JOB_ID,
        "run_id": 901,
        "life_cycle_state": "PENDING",
        "run_page_url": "https://dbc.example/jobs/4711/runs/901",
    }
    (run_now,) = workspace.calls("POST", RUN_NOW)
    assert run_now.body["job_id"] == JOB_ID
    # A retry of the restart task answers the same check, so it sends the same token: no second run.
    restart(verdict)
    first, retried = workspace.calls("POST", RUN_NOW)
    assert first.body["idempotency_token"] == retried.body["idempotency_token"]
    assert len(first.body["idempotency_token"]) <= 64
    assert workspace.calls("GET", RUNS_GET)[0].query["run_id"] == "901"


def test_a_job_that_never_ran_is_started(workspace: FakeDatabricks):
    workspace.on("GET", JOBS_LIST, {"jobs": [job()]})
    workspace.on("GET", RUNS_LIST, {"has_more": False})  # API 2.2 leaves "runs" out when there are none
    workspace.on("POST", RUN_NOW, {"run_id": 1})
    workspace.on("GET", RUNS_GET, listed_run(1, "QUEUED"))
    check, restart = tasks()

    verdict = check()

    assert verdict["health"] == "not_running"
    assert restart(verdict)["life_cycle_state"] == "QUEUED"


def test_a_new_run_that_ends_at_once_fails_the_task(workspace: FakeDatabricks):
    workspace.on("GET", JOBS_LIST, {"jobs": [job()]})
    workspace.on("GET", RUNS_LIST, {"runs": []})
    workspace.on("POST", RUN_NOW, {"run_id": 902})
    workspace.on("GET", RUNS_GET, listed_run(902, "INTERNAL_ERROR", "FAILED", "Cluster could not start"))
    check, restart = tasks()

    with pytest.raises(
        StreamWatchError, match="902 of job 4711 ended at once: INTERNAL_ERROR FAILED Cluster"
    ):
        restart(check())


def test_a_run_stuck_starting_fails_the_task_without_starting_another(workspace: FakeDatabricks):
    stuck = {**listed_run(13, "PENDING"), "start_time": 1_000_000_000_000}  # 2001: long past any threshold
    workspace.on("GET", JOBS_LIST, {"jobs": [job()]})
    workspace.on("GET", RUNS_LIST, {"runs": [stuck]})
    check, restart = tasks()

    verdict = check()

    assert verdict["health"] == "stalled"
    with pytest.raises(StreamWatchError, match="not restarting: run 13 has been PENDING"):
        restart(verdict)
    assert workspace.calls("POST", RUN_NOW) == []


def test_no_job_of_that_name_says_how_dev_deployments_are_named(workspace: FakeDatabricks):
    workspace.on("GET", JOBS_LIST, {"jobs": []})
    check, _ = tasks()

    with pytest.raises(
        StreamWatchError, match=r"no Databricks job is named 'shop-fraud-stream'.*\[dev <user>\]"
    ):
        check()


def test_a_dev_deployment_is_found_by_its_prefixed_name(workspace: FakeDatabricks, monkeypatch):
    dev_name = f"[dev alice] {STREAM_JOB_NAME}"
    monkeypatch.setenv("SHOP_DATABRICKS_STREAM_JOB_NAME", dev_name)
    dev_job = {**job("PAUSED"), "settings": {"name": dev_name, "continuous": {"pause_status": "PAUSED"}}}
    workspace.on("GET", JOBS_LIST, {"jobs": [dev_job]})
    workspace.on("GET", RUNS_LIST, {"runs": [listed_run(3, "RUNNING")]})
    check, _ = tasks()

    assert check()["health"] == "healthy"
    assert workspace.calls("GET", JOBS_LIST)[0].query["name"] == dev_name


def test_a_job_id_is_looked_up_directly(workspace: FakeDatabricks, monkeypatch):
    monkeypatch.setenv("SHOP_DATABRICKS_STREAM_JOB_ID", str(JOB_ID))
    workspace.on("GET", JOBS_GET, job())
    workspace.on("GET", RUNS_LIST, {"runs": [listed_run(12, "RUNNING")]})
    check, _ = tasks()

    assert check()["health"] == "healthy"
    assert workspace.calls("GET", JOBS_GET)[0].query["job_id"] == str(JOB_ID)
    assert workspace.calls("GET", JOBS_LIST) == []
