"""Paths and helpers the tests share (tests/ is on pytest's pythonpath)."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]
DAGS_DIR = PACKAGE_DIR / "dags"
REPO_ROOT = PACKAGE_DIR.parents[1]
# Durations worth seeing in CI logs (printed at the end of the run by the integration conftest).
TIMINGS: dict[str, float] = {}


def load_dagbag():
    """Parse the DAG folder the way Airflow 3's DAG processor and task runner do: as a bundle."""
    from airflow.dag_processing.dagbag import BundleDagBag

    return BundleDagBag(dag_folder=DAGS_DIR, bundle_path=DAGS_DIR, bundle_name="dags-folder")


def xcom_return_value(dag_run, task_id: str):
    """What a task of a dag.test() run returned (its "return_value" XCom), or None."""
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    with create_session() as session:
        query = XComModel.get_many(
            run_id=dag_run.run_id, dag_ids=dag_run.dag_id, task_ids=task_id, key="return_value"
        )
        row = session.scalars(query).first()
        return None if row is None else XComModel.deserialize_value(row)
