"""The batch jobs the DAGs run: their CLI arguments, and how each deploy target runs them.

The jobs live in packages/processing-jobs and need PySpark; Airflow never imports them. Locally each
runs as a subprocess in its own environment (``<python> -m shop_jobs.jobs.<job>``), on Databricks as the
bundle's job of the same key (packages/processing-jobs/resources/<job>.job.yml; a test holds the names
equal). Both targets get the same arguments from ``arguments_for`` so they cannot drift apart.
"""

from __future__ import annotations

import collections
import json
import logging
import os
import shlex
import signal
import subprocess
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shop_dags.config import DatabricksSettings, LocalSettings, ShopConfig

log = logging.getLogger(__name__)

STDERR_TAIL_LINES = 40
TASK_KEY = "sessionize_batch"


@dataclass(frozen=True)
class BatchJob:
    key: str  # the bundle's resource key and the entry point's module name
    bundle_name: str  # the Databricks job's name in the bundle

    @property
    def module(self) -> str:
        return f"shop_jobs.jobs.{self.key}"


SESSIONIZE = BatchJob("sessionize_batch", "shop-sessionize-batch")
BUILD_USERS = BatchJob("build_users", "shop-build-users")
DAILY_METRICS = BatchJob("daily_metrics", "shop-daily-metrics")
QUALITY_CHECKS = BatchJob("quality_checks", "shop-quality-checks")
BATCH_JOBS = (SESSIONIZE, BUILD_USERS, DAILY_METRICS, QUALITY_CHECKS)


class JobFailedError(RuntimeError):
    """The job exited non-zero or broke its output contract; the message carries its stderr tail."""


def job_arguments(config: ShopConfig, ds: str) -> list[str]:
    """The sessionization job's arguments for day ``ds``."""
    return arguments_for(config, SESSIONIZE, ds)


def arguments_for(config: ShopConfig, job: BatchJob, ds: str | None = None) -> list[str]:
    """A batch job's command line (the entry point's flags) for day ``ds`` (build_users takes no day)."""
    sessions = ["--sessions-path", config.sessions_url]
    day = ["--date", ds] if ds is not None else []
    if job is SESSIONIZE:
        return [
            "--events-path", config.events_url, *sessions, *day,
            "--gap-minutes", str(config.session_gap_minutes),
            "--lookahead-hours", str(config.lookahead_hours),
            "--users-path", config.table_url("users"),
        ]  # fmt: skip
    if job is BUILD_USERS:
        return [*sessions, "--users-path", config.table_url("users")]
    if job is DAILY_METRICS:
        return [*sessions, "--metrics-path", config.table_url("daily_metrics"), *day]
    if job is QUALITY_CHECKS:
        return [
            "--events-path",
            config.events_url,
            *sessions,
            *day,
            "--max-late-share",
            str(config.max_late_share),
        ]
    raise ValueError(f"unknown job {job.key}")


def run_local_module(settings: LocalSettings, job: BatchJob, arguments: Sequence[str]) -> dict[str, Any]:
    """Run a batch job's entry point in the processing-jobs environment; return its JSON summary."""
    return run_local_job(settings, ["-m", job.module, *arguments])


def run_local_job(settings: LocalSettings, arguments: Sequence[str]) -> dict[str, Any]:
    """Run the processing-jobs Python with these arguments and return the JSON summary it prints.

    stderr (Spark's log) streams into the task log as it comes, so a long run is observable; its
    tail goes into the exception when the job fails, because that is where the cause is.
    """
    executable = Path(settings.python_command[0])
    if executable.is_absolute() and not executable.exists():
        raise JobFailedError(
            f"{executable} does not exist: the processing-jobs environment is not installed "
            "(run `scripts/bootstrap.sh python` from the repo root)"
        )
    argv = [*settings.python_command, *arguments]
    log.info("running %s (cwd %s)", shlex.join(argv), settings.jobs_project)
    # Own session so that the whole tree (python and the Spark JVM it starts) can be killed together.
    proc = subprocess.Popen(
        argv,
        cwd=settings.jobs_project,
        env=child_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    tail: collections.deque[str] = collections.deque(maxlen=STDERR_TAIL_LINES)
    pump = threading.Thread(target=_pump_stderr, args=(proc, tail), daemon=True)
    pump.start()
    try:
        stdout = proc.stdout.read() if proc.stdout else ""
        returncode = proc.wait()
    finally:
        # Reached with the child still running only when the task itself is being stopped
        # (execution_timeout, a kill from the UI); do not leave a Spark job running unowned.
        if proc.poll() is None:
            _kill_tree(proc)
        pump.join(timeout=10)

    stderr_tail = "\n".join(tail)
    if returncode != 0:
        raise JobFailedError(
            f"`{shlex.join(argv)}` exited with code {returncode}; stderr tail:\n{stderr_tail}"
        )
    return parse_summary(stdout, stderr_tail)


def parse_summary(stdout: str, stderr_tail: str = "") -> dict[str, Any]:
    """The job prints one JSON object on its last stdout line; anything else breaks the contract."""
    lines = [line for line in stdout.splitlines() if line.strip()]
    if not lines:
        raise JobFailedError(f"the job exited 0 but printed no summary; stderr tail:\n{stderr_tail}")
    try:
        summary = json.loads(lines[-1])
    except json.JSONDecodeError as err:
        raise JobFailedError(f"the job's last stdout line is not JSON ({err}): {lines[-1][:500]!r}") from err
    if not isinstance(summary, dict):
        raise JobFailedError(f"the job's summary is not a JSON object: {lines[-1][:500]!r}")
    return summary


def databricks_operator_kwargs(settings: DatabricksSettings, arguments: list[str]) -> dict[str, Any]:
    """Keyword arguments for DatabricksRunNowOperator (existing job) or DatabricksSubmitRunOperator."""
    common: dict[str, Any] = {"databricks_conn_id": settings.conn_id}
    if settings.runs_existing_job:
        if settings.job_id is not None:
            common["job_id"] = settings.job_id
        else:
            common["job_name"] = settings.job_name
        # python_params replace the spark_python_task's parameters of the job's task for this run.
        return {**common, "python_params": arguments}

    task: dict[str, Any] = {
        "task_key": TASK_KEY,
        "spark_python_task": {"python_file": settings.python_file, "parameters": arguments},
    }
    if settings.existing_cluster_id is not None:
        task["existing_cluster_id"] = settings.existing_cluster_id
    else:
        task["new_cluster"] = settings.new_cluster
    if settings.wheel is not None:
        task["libraries"] = [{"whl": settings.wheel}]
    return {**common, "tasks": [task]}


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    # The Airflow environment's interpreter settings must not leak into the job's own environment.
    for name in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME"):
        env.pop(name, None)
    return env


def _pump_stderr(proc: subprocess.Popen[str], tail: collections.deque[str]) -> None:
    assert proc.stderr is not None
    for line in proc.stderr:
        line = line.rstrip("\n")
        tail.append(line)
        log.info("[job] %s", line)


def _kill_tree(proc: subprocess.Popen[str]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    except ProcessLookupError:
        pass
