"""Test-wide Airflow settings. They must be in the environment before anything imports airflow,
which reads its configuration once, at import; pytest imports conftest.py before any test module."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from support import DAGS_DIR

# A fresh AIRFLOW_HOME per session: no metadata, logs or airflow.cfg carried over from a developer's
# runs (those live in .stack/airflow), and nothing written into the source tree.
_AIRFLOW_HOME = Path(tempfile.mkdtemp(prefix="shop-airflow-tests-"))
os.environ["AIRFLOW_HOME"] = str(_AIRFLOW_HOME)
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(DAGS_DIR)
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ.pop("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", None)
# Each test states the deployment settings it needs; a developer's shell must not leak into them.
for _name in [n for n in os.environ if n.startswith("SHOP_")]:
    del os.environ[_name]


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(_AIRFLOW_HOME, ignore_errors=True)
