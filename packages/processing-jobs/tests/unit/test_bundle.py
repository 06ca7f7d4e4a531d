"""The Databricks bundle (databricks.yml + resources/*.yml) against the code it runs, without a workspace:
every variable it uses is declared and resolves in every target, every spark_python_task file exists where the
bundle resolves it (relative to the resource file), and each job's parameters are accepted by that entry point's
own argument parser. `databricks bundle validate` still has to run against a real workspace."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from support import PACKAGE_DIR

BUNDLE = PACKAGE_DIR / "databricks.yml"
VAR_REF = re.compile(r"\$\{var\.([A-Za-z0-9_]+)\}")
# What a deploy passes for the variables that have no default on purpose (`--var` or BUNDLE_VAR_*).
DEPLOY_VARS = {"kafka_brokers": "b-1.msk.example:9092,b-2.msk.example:9092"}


def load_bundle() -> tuple[dict[str, Any], list[tuple[Path, dict[str, Any]]]]:
    root = yaml.safe_load(BUNDLE.read_text(encoding="utf-8"))
    files = sorted({p for pattern in root["include"] for p in PACKAGE_DIR.glob(pattern)})
    return root, [(p, yaml.safe_load(p.read_text(encoding="utf-8"))) for p in files]


def jobs() -> list[tuple[Path, str, dict[str, Any]]]:
    _, resources = load_bundle()
    return [(path, key, job) for path, doc in resources for key, job in doc["resources"]["jobs"].items()]


def target_vars(target: str) -> dict[str, str]:
    root, _ = load_bundle()
    values = {name: spec["default"] for name, spec in root["variables"].items() if "default" in spec}
    values.update(root["targets"][target].get("variables", {}))
    values.update(DEPLOY_VARS)
    return values


def resolve(value: str, variables: dict[str, str]) -> str:
    # Defaults may refer to other variables (fraud_checkpoint is under lake_root), so resolve to a fixpoint.
    for _ in range(10):
        resolved = VAR_REF.sub(lambda m: str(variables[m.group(1)]), value)
        if resolved == value:
            return resolved
        value = resolved
    raise AssertionError(f"variable references do not resolve: {value}")


def references(node: Any) -> set[str]:
    if isinstance(node, dict):
        return set().union(*(references(v) for v in node.values())) if node else set()
    if isinstance(node, list):
        return set().union(*(references(v) for v in node)) if node else set()
    return set(VAR_REF.findall(node)) if isinstance(node, str) else set()


def test_every_variable_used_is_declared_and_resolves_in_every_target():
    root, resources = load_bundle()
    used = references(root) | set().union(*(references(doc) for _, doc in resources))

    assert used <= set(root["variables"]), f"undeclared: {sorted(used - set(root['variables']))}"
    required = {name for name, spec in root["variables"].items() if "default" not in spec}
    for target, spec in root["targets"].items():
        missing = required - set(spec.get("variables", {})) - set(DEPLOY_VARS)
        assert not missing, f"target {target} leaves {sorted(missing)} unset"


@pytest.mark.parametrize(("path", "key", "job"), jobs(), ids=lambda v: v if isinstance(v, str) else "")
def test_task_files_exist_where_the_bundle_resolves_them(path: Path, key: str, job: dict[str, Any]):
    # Relative paths in a resource file are relative to that file, not to databricks.yml.
    for task in job["tasks"]:
        python_file = (path.parent / task["spark_python_task"]["python_file"]).resolve()
        assert python_file.is_file(), f"{key}.{task['task_key']}: {python_file}"
        for library in task.get("libraries", []):
            assert (path.parent / library["whl"]).resolve().parent == PACKAGE_DIR / "dist"


@pytest.mark.parametrize("target", ["dev", "prod"])
@pytest.mark.parametrize(("path", "key", "job"), jobs(), ids=lambda v: v if isinstance(v, str) else "")
def test_job_parameters_are_accepted_by_the_entry_point(target: str, path: Path, key: str, job: dict[str, Any]):
    variables = target_vars(target)
    for task in job["tasks"]:
        spark_python_task = task["spark_python_task"]
        module = Path(spark_python_task["python_file"]).stem
        entry = importlib.import_module(f"shop_jobs.jobs.{module}")
        # Databricks fills {{job.start_time.iso_date}} at run time; any date stands in for it here.
        argv = [
            resolve(str(p), variables).replace("{{job.start_time.iso_date}}", "2026-11-27")
            for p in spark_python_task["parameters"]
        ]

        entry.parse_args(argv)  # exits (SystemExit) on a flag or value it does not accept


STREAMS = ("fraud_stream", "sessions_stream", "live_metrics")


@pytest.mark.parametrize("name", STREAMS)
def test_every_stream_is_a_continuous_job_without_retries_paused_in_dev(name: str):
    (job,) = [job for _, key, job in jobs() if key == name]

    assert job["continuous"] == {"pause_status": "UNPAUSED"}
    assert "schedule" not in job
    assert "trigger" not in job
    # Databricks refuses retry policies on continuous jobs: it restarts failed runs itself.
    assert all("max_retries" not in task for task in job["tasks"])
    root, _ = load_bundle()
    assert root["targets"]["dev"]["resources"]["jobs"][name]["continuous"]["pause_status"] == "PAUSED"


def test_no_job_needs_dedicated_compute():
    # Every job runs on standard (shared) access mode: nothing reaches into the JVM gateway (shop_jobs.lake).
    for _, key, job in jobs():
        for cluster in job["job_clusters"]:
            assert cluster["new_cluster"]["data_security_mode"] == "USER_ISOLATION", key
    sources = (PACKAGE_DIR / "src").rglob("*.py")
    assert not [
        str(p) for p in sources if "_jvm" in p.read_text(encoding="utf-8") or "_jsc" in p.read_text(encoding="utf-8")
    ]


def test_the_bundle_defines_every_job_module():
    modules = {p.stem for p in (PACKAGE_DIR / "src" / "shop_jobs" / "jobs").glob("*.py")} - {
        "__init__",
        "entrypoint",
        "progress",
    }
    defined = {Path(t["spark_python_task"]["python_file"]).stem for _, _, job in jobs() for t in job["tasks"]}
    assert defined == modules


def test_the_fraud_stream_reads_what_the_variables_say_in_prod():
    (job,) = [job for _, key, job in jobs() if key == "fraud_stream"]
    params = [resolve(str(p), target_vars("prod")) for p in job["tasks"][0]["spark_python_task"]["parameters"]]
    args = importlib.import_module("shop_jobs.jobs.fraud_stream").parse_args(params)

    assert args.brokers == DEPLOY_VARS["kafka_brokers"]
    assert (args.topic, args.alerts_topic) == ("events.raw", "alerts.fraud")
    assert args.checkpoint == "s3://shop-analytics-prod/_checkpoints/fraud_stream"
    assert args.alerts_path == "s3://shop-analytics-prod/fraud_alerts"
    assert args.trigger_seconds == 0.0
