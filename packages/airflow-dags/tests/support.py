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
