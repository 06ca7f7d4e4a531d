"""Every DAG in the folder parses cleanly, follows the house rules, and touches nothing while parsing."""

from __future__ import annotations

import socket
import subprocess
import sys
from datetime import timedelta
from itertools import pairwise

import pytest

from support import DAGS_DIR, load_dagbag

# Every DAG states here whether it catches up, so adding one forces the decision.
EXPECTED_CATCHUP = {"shop_daily_batch": False, "shop_fraud_stream_watch": False, "shop_late_data": False}
TARGET_ENVS = {
    "local": {"SHOP_DEPLOY_TARGET": "local"},
    "databricks": {"SHOP_DEPLOY_TARGET": "databricks", "SHOP_DATABRICKS_JOB_NAME": "shop-sessionize"},
}


class ForbiddenCallError(AssertionError):
    pass


@pytest.fixture(scope="module")
def libraries_imported():
    """Parse once unguarded: Airflow's and the providers' own imports may do I/O (croniter runs
    `file` at import), and those are theirs. What is guarded is what our DAG files do."""
    load_dagbag()


@pytest.fixture
def no_io_while_parsing(monkeypatch: pytest.MonkeyPatch, libraries_imported):
    """Fail on any network connection, database connection or subprocess started at parse time."""
    # Our helper package is imported afresh under the guard, like a new DAG-processor child would.
    for name in [m for m in sys.modules if m == "shop_dags" or m.startswith("shop_dags.")]:
        monkeypatch.delitem(sys.modules, name)

    def forbidden(what: str):
        def raise_(*args, **kwargs):
            raise ForbiddenCallError(f"{what} while parsing DAG files")

        return raise_

    import sqlalchemy.engine

    monkeypatch.setattr(socket.socket, "connect", forbidden("socket.connect"))
    monkeypatch.setattr(socket, "create_connection", forbidden("socket.create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", forbidden("DNS lookup"))
    monkeypatch.setattr(sqlalchemy.engine.Engine, "connect", forbidden("a database connection"))
    monkeypatch.setattr(subprocess.Popen, "__init__", forbidden("a subprocess"))


@pytest.fixture(params=sorted(TARGET_ENVS))
def dagbag(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, no_io_while_parsing):
    for name, value in TARGET_ENVS[request.param].items():
        monkeypatch.setenv(name, value)
    return load_dagbag()


def test_no_import_errors(dagbag):
    assert dagbag.import_errors == {}
    assert dagbag.dags, f"no DAGs found in {DAGS_DIR}"


def test_no_warnings_from_our_files(dagbag):
    # Warnings raised inside Airflow or a provider are theirs to fix; ours point at the DAG folder.
    ours = [w for ws in dagbag.captured_warnings.values() for w in ws if str(DAGS_DIR) in w.split(":", 1)[0]]
    assert ours == []


def test_catchup_is_chosen_on_purpose(dagbag):
    assert {dag_id: dag.catchup for dag_id, dag in dagbag.dags.items()} == EXPECTED_CATCHUP


def test_house_rules(dagbag):
    for dag_id, dag in dagbag.dags.items():
        assert dag.tags, f"{dag_id} has no tags"
        assert (dag.doc_md or "").strip(), f"{dag_id} has no doc_md"
        offset = dag.start_date.utcoffset() if dag.start_date else None
        assert offset == timedelta(0), f"{dag_id} needs a timezone-aware UTC start_date"
        for t in dag.tasks:
            assert t.owner not in ("", "airflow"), f"{dag_id}.{t.task_id} has no owner"
            assert t.retries >= 1, f"{dag_id}.{t.task_id} has no retries"


def test_daily_batch_graph(dagbag):
    dag = dagbag.dags["shop_daily_batch"]
    order = ["wait_for_complete_window", "sessionize_batch", "build_users", "daily_metrics", "quality_checks",
             "record_manifest"]  # fmt: skip

    assert {t.task_id for t in dag.tasks} == set(order)
    for upstream, downstream in pairwise(order):
        assert downstream in dag.get_task(upstream).downstream_task_ids, (upstream, downstream)
    assert dag.get_task("wait_for_complete_window").mode == "reschedule"
    for task_id in order[1:5]:
        assert dag.get_task(task_id).execution_timeout == timedelta(minutes=120)
    assert dag.timetable.expression == "30 2 * * *"


def test_late_data_graph(dagbag):
    dag = dagbag.dags["shop_late_data"]
    order = ["find_late_days", "days_of", "sessionize_batch", "daily_metrics", "quality_checks",
             "record_manifest", "build_users"]  # fmt: skip

    assert {t.task_id for t in dag.tasks} == set(order)
    for upstream, downstream in pairwise(order):
        assert downstream in dag.get_task(upstream).downstream_task_ids, (upstream, downstream)
    assert dag.timetable.expression == "0 * * * *"
    assert dag.max_active_runs == 1


def test_every_task_has_a_timeout_and_a_failure_callback(dagbag):
    for dag_id in ("shop_daily_batch", "shop_late_data"):
        for t in dagbag.dags[dag_id].tasks:
            assert t.execution_timeout is not None or t.task_id == "wait_for_complete_window", (
                dag_id,
                t.task_id,
            )
            assert t.on_failure_callback, (dag_id, t.task_id)


def test_fraud_stream_watch_graph(dagbag):
    dag = dagbag.dags["shop_fraud_stream_watch"]
    check = dag.get_task("check_stream")
    restart = dag.get_task("restart_stream")

    assert {t.task_id for t in dag.tasks} == {check.task_id, restart.task_id}
    assert check.downstream_task_ids == {restart.task_id}
    assert dag.timetable.expression == "*/5 * * * *"
    assert dag.max_active_runs == 1
    assert check.execution_timeout == timedelta(minutes=2)
    # The restart's timeout leaves room for the whole recovery window (SHOP_STREAM_RECOVERY_SECONDS).
    assert restart.execution_timeout == timedelta(seconds=300 + 120)


def test_parsing_with_a_bad_target_is_an_import_error_that_says_why(
    monkeypatch: pytest.MonkeyPatch, no_io_while_parsing
):
    monkeypatch.setenv("SHOP_DEPLOY_TARGET", "spark")

    errors = load_dagbag().import_errors

    assert sorted(errors) == ["shop_daily_batch.py", "shop_fraud_stream_watch.py", "shop_late_data.py"]
    for message in errors.values():
        assert "SHOP_DEPLOY_TARGET='spark' is not one of: local, databricks" in message
