"""Deployment configuration for the Shop Analytics DAGs, read from the environment.

Every setting is optional except where a target needs it; ``load_config`` resolves them once into a
complete, validated ``ShopConfig`` and raises ``ConfigError`` naming each bad or missing variable.
DAG files call it at parse time on purpose: a misconfigured deployment then shows up as a DAG import
error in the UI instead of as a task failure hours later.

Variables (defaults in brackets):

- ``SHOP_DEPLOY_TARGET``: ``local`` or ``databricks`` [local]
- ``S3_BUCKET``: the lake bucket [shop-analytics-local]
- ``SHOP_LAKE_URL``: the lake's root [s3a://$S3_BUCKET]; the tables are folders under it
- ``SHOP_EVENTS_URL`` / ``SHOP_SESSIONS_URL``: dataset roots [$SHOP_LAKE_URL/events, .../sessions]
- ``SHOP_SESSION_GAP_MINUTES``: inactivity gap that closes a session [30]
- ``SHOP_LOOKAHEAD_HOURS``: hours of the next day a day's sessionization reads [2]
- ``SHOP_SETTLE_MINUTES``: how long a day's window must be over, and its partitions without new files,
  before it counts as complete (the sink's delivery delay and batching window) [15]
- ``SHOP_WAIT_FOR_WINDOW_END``: whether a day waits for its window to end before it counts as complete;
  ``false`` for demos and manual runs of a day still going on (its sessions are then partial until the next
  run) [true]
- ``SHOP_LATE_DAYS``: how many days back the hourly DAG looks for late files (the sink's late bound) [7]
- ``SHOP_MAX_LATE_SHARE``: the quality check's bound on the share of a day's events received over an hour
  after their time (0 to 1); the demo, which replays hours of visits at once, raises it to 1 [0.2]
- ``SHOP_EVENTS_WAIT_SECONDS``: how long to wait for the day's window to be complete [7200]
- ``SHOP_JOB_TIMEOUT_MINUTES``: execution timeout of the batch job task [120]
- ``SHOP_TASK_RETRIES`` / ``SHOP_RETRY_DELAY_SECONDS``: retries per task and the first delay [2, 300]

``local`` only:

- ``SHOP_REPO_ROOT``: the monorepo root [derived from this file's location]
- ``SHOP_JOBS_PROJECT``: the processing-jobs project [$SHOP_REPO_ROOT/packages/processing-jobs]
- ``SHOP_JOBS_PYTHON``: command that starts a Python where shop_jobs is importable, split like a shell would
  [$SHOP_JOBS_PROJECT/.venv/bin/python]; each job runs as ``<it> -m shop_jobs.jobs.<job>``

``databricks`` only:

- ``SHOP_DATABRICKS_CONN_ID``: Airflow connection to the workspace [databricks_default]
- ``SHOP_DATABRICKS_JOB_ID`` or ``SHOP_DATABRICKS_JOB_NAME``: run an existing sessionization job (run-now)
- ``SHOP_DATABRICKS_JOB_NAME_PREFIX``: put before the bundle's job names (daily_metrics, build_users,
  quality_checks run by name; a development-mode bundle names them "[dev <user>] shop-...") [""]
- otherwise a one-off run (runs/submit) needs ``SHOP_DATABRICKS_PYTHON_FILE`` and exactly one of
  ``SHOP_DATABRICKS_CLUSTER_ID`` or ``SHOP_DATABRICKS_NEW_CLUSTER`` (a JSON cluster spec), plus an
  optional ``SHOP_DATABRICKS_WHEEL`` (the shop_jobs wheel to install as a library)

The fraud stream watch (``load_stream_watch_config``) reads its own settings, so that it needs none of the
batch job's:

- ``SHOP_DEPLOY_TARGET``, ``SHOP_TASK_RETRIES`` as above
- ``SHOP_STREAM_STALL_SECONDS``: how long a stream that is behind may go without committing a batch [300]
- ``SHOP_STREAM_RECOVERY_SECONDS``: how long a restart may take to show the stream running again [300]
- ``local``: ``SHOP_REPO_ROOT``, ``SHOP_STREAM_SCRIPT`` [$SHOP_REPO_ROOT/scripts/stack/stream.sh], and the
  stack's own ``FRAUD_STREAM_DIR``, ``STACK_DIR``, ``KAFKA_BROKERS``, ``KAFKA_TOPIC_RAW`` with the defaults
  stream.sh gives them (``$SHOP_REPO_ROOT/stack.env`` first, as scripts/lib.sh reads it)
- ``databricks``: ``SHOP_DATABRICKS_CONN_ID`` and ``SHOP_DATABRICKS_STREAM_JOB_NAME``
  [shop-fraud-stream, the bundle's name for it] or ``SHOP_DATABRICKS_STREAM_JOB_ID``
"""

from __future__ import annotations

import enum
import json
import os
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The name packages/processing-jobs/resources/fraud_stream.job.yml gives the stream's job (a test holds
# them equal). A bundle deployed with `mode: development` prefixes it with "[dev <user>] ".
STREAM_JOB_NAME = "shop-fraud-stream"

# <repo>/packages/airflow-dags/dags/shop_dags/config.py: the repo root is the fifth parent. Deployments
# that copy dags/ elsewhere never use this default (only the local target does).
_DEFAULT_REPO_ROOT = Path(__file__).resolve().parents[4]


class ConfigError(ValueError):
    """The environment does not describe a usable deployment; the message lists every problem."""


class DeployTarget(enum.StrEnum):
    LOCAL = "local"
    DATABRICKS = "databricks"


@dataclass(frozen=True)
class LocalSettings:
    repo_root: Path
    jobs_project: Path
    # The argv prefix that starts a Python with shop_jobs; "-m <module>" and the job's flags follow it.
    python_command: tuple[str, ...]


@dataclass(frozen=True)
class DatabricksSettings:
    conn_id: str
    job_id: int | None = None
    job_name: str | None = None
    python_file: str | None = None
    existing_cluster_id: str | None = None
    new_cluster: dict[str, Any] | None = None
    wheel: str | None = None
    job_name_prefix: str = ""

    @property
    def runs_existing_job(self) -> bool:
        return self.job_id is not None or self.job_name is not None


@dataclass(frozen=True)
class ShopConfig:
    target: DeployTarget
    lake_url: str
    events_url: str
    sessions_url: str
    session_gap_minutes: int
    lookahead_hours: int
    settle_minutes: int
    wait_for_window_end: bool
    late_days: int
    max_late_share: float
    events_wait_seconds: int
    job_timeout_minutes: int
    task_retries: int
    retry_delay_seconds: int
    local: LocalSettings | None = field(default=None)
    databricks: DatabricksSettings | None = field(default=None)

    def table_url(self, name: str) -> str:
        """A table of the lake other than events and sessions (users, daily_metrics, ...)."""
        return f"{self.lake_url}/{name}"

    @property
    def manifests_url(self) -> str:
        """Where the DAGs note what each day's sessionization read (shop_dags.s3.WindowListing)."""
        return f"{self.lake_url}/_manifests"


@dataclass(frozen=True)
class StreamLocalSettings:
    """Where the local stream lives: the same places scripts/stack/stream.sh uses."""

    control_script: Path
    stream_dir: Path
    brokers: str
    topic: str

    @property
    def checkpoint(self) -> Path:
        return self.stream_dir / "checkpoint"

    @property
    def pid_file(self) -> Path:
        return self.stream_dir / "fraud_stream.pid"

    @property
    def log_file(self) -> Path:
        return self.stream_dir / "fraud_stream.log"


@dataclass(frozen=True)
class StreamDatabricksSettings:
    conn_id: str
    job_id: int | None = None
    job_name: str | None = None


@dataclass(frozen=True)
class StreamWatchConfig:
    target: DeployTarget
    stall_seconds: int
    recovery_seconds: int
    task_retries: int
    local: StreamLocalSettings | None = field(default=None)
    databricks: StreamDatabricksSettings | None = field(default=None)


def load_config(environ: Mapping[str, str] | None = None) -> ShopConfig:
    """Resolve and validate the configuration; raise ``ConfigError`` listing every problem found."""
    env = _Env(os.environ if environ is None else environ)

    target = _target(env)

    bucket = env.get("S3_BUCKET", "shop-analytics-local")
    lake_url = env.get("SHOP_LAKE_URL", f"s3a://{bucket}").rstrip("/")
    if not lake_url.startswith(("s3://", "s3a://")) or len(lake_url.split("/", 3)) < 3:
        env.problem(f"SHOP_LAKE_URL={lake_url!r} must look like s3a://<bucket>[/<prefix>]")
    events_url = env.get("SHOP_EVENTS_URL", f"{lake_url}/events").rstrip("/")
    sessions_url = env.get("SHOP_SESSIONS_URL", f"{lake_url}/sessions").rstrip("/")
    for name, url in (("SHOP_EVENTS_URL", events_url), ("SHOP_SESSIONS_URL", sessions_url)):
        if not url.startswith(("s3://", "s3a://")) or len(url.split("/", 3)) < 4:
            env.problem(f"{name}={url!r} must look like s3a://<bucket>/<prefix>")

    gap = env.integer("SHOP_SESSION_GAP_MINUTES", 30, minimum=1)
    lookahead = env.integer("SHOP_LOOKAHEAD_HOURS", 2, minimum=0)
    settle = env.integer("SHOP_SETTLE_MINUTES", 15, minimum=0)
    late_days = env.integer("SHOP_LATE_DAYS", 7, minimum=1)
    max_late_share = env.share("SHOP_MAX_LATE_SHARE", 0.2)
    wait_for_end = env.get("SHOP_WAIT_FOR_WINDOW_END", "true").lower()
    if wait_for_end not in ("true", "false"):
        env.problem(f"SHOP_WAIT_FOR_WINDOW_END={wait_for_end!r} must be true or false")
    wait = env.integer("SHOP_EVENTS_WAIT_SECONDS", 7200, minimum=0)
    timeout = env.integer("SHOP_JOB_TIMEOUT_MINUTES", 120, minimum=1)
    # dag.test() sits out every retry delay, so local runs turn retries down rather than wait.
    retries = env.integer("SHOP_TASK_RETRIES", 2, minimum=0)
    retry_delay = env.integer("SHOP_RETRY_DELAY_SECONDS", 300, minimum=1)

    local = _local_settings(env) if target is DeployTarget.LOCAL else None
    databricks = _databricks_settings(env) if target is DeployTarget.DATABRICKS else None

    env.raise_if_problems()
    assert target is not None  # guaranteed by raise_if_problems
    return ShopConfig(
        target=target,
        lake_url=lake_url,
        events_url=events_url,
        sessions_url=sessions_url,
        session_gap_minutes=gap,
        lookahead_hours=lookahead,
        settle_minutes=settle,
        wait_for_window_end=wait_for_end != "false",
        late_days=late_days,
        max_late_share=max_late_share,
        events_wait_seconds=wait,
        job_timeout_minutes=timeout,
        task_retries=retries,
        retry_delay_seconds=retry_delay,
        local=local,
        databricks=databricks,
    )


def load_stream_watch_config(environ: Mapping[str, str] | None = None) -> StreamWatchConfig:
    """The fraud stream watch's settings; raise ``ConfigError`` listing every problem found."""
    env = _Env(os.environ if environ is None else environ)
    target = _target(env)
    stall = env.integer("SHOP_STREAM_STALL_SECONDS", 300, minimum=1)
    recovery = env.integer("SHOP_STREAM_RECOVERY_SECONDS", 300, minimum=1)
    retries = env.integer("SHOP_TASK_RETRIES", 2, minimum=0)

    local = None
    databricks = None
    if target is DeployTarget.LOCAL:
        local = _stream_local_settings(env)
    elif target is DeployTarget.DATABRICKS:
        job_id = env.integer("SHOP_DATABRICKS_STREAM_JOB_ID", None, minimum=1)
        job_name = env.get("SHOP_DATABRICKS_STREAM_JOB_NAME", "") or None
        if job_id is not None and job_name is not None:
            env.problem("set only one of SHOP_DATABRICKS_STREAM_JOB_ID and SHOP_DATABRICKS_STREAM_JOB_NAME")
        databricks = StreamDatabricksSettings(
            conn_id=env.get("SHOP_DATABRICKS_CONN_ID", "databricks_default"),
            job_id=job_id,
            job_name=None if job_id is not None else (job_name or STREAM_JOB_NAME),
        )

    env.raise_if_problems()
    assert target is not None  # guaranteed by raise_if_problems
    return StreamWatchConfig(
        target=target,
        stall_seconds=stall,
        recovery_seconds=recovery,
        task_retries=retries,
        local=local,
        databricks=databricks,
    )


def _target(env: _Env) -> DeployTarget | None:
    raw_target = env.get("SHOP_DEPLOY_TARGET", "local").lower()
    try:
        return DeployTarget(raw_target)
    except ValueError:
        choices = ", ".join(t.value for t in DeployTarget)
        env.problem(f"SHOP_DEPLOY_TARGET={raw_target!r} is not one of: {choices}")
        return None


def _stream_local_settings(env: _Env) -> StreamLocalSettings:
    repo_root = Path(env.get("SHOP_REPO_ROOT", str(_DEFAULT_REPO_ROOT))).expanduser()
    script = Path(env.get("SHOP_STREAM_SCRIPT", str(repo_root / "scripts" / "stack" / "stream.sh")))
    if not script.is_file():
        env.problem(f"SHOP_STREAM_SCRIPT: {script} is not a file")
    # The defaults stream.sh itself would use, so that the watch looks where the job writes: the environment
    # first, then stack.env (scripts/lib.sh's load_stack_env), then the script's own fallbacks.
    stack = _read_stack_env(repo_root / "stack.env")

    def setting(name: str, default: str) -> str:
        return env.get(name, stack.get(name, default))

    stack_dir = Path(setting("STACK_DIR", str(repo_root / ".stack")))
    stream_dir = Path(setting("FRAUD_STREAM_DIR", str(stack_dir / "stream" / "fraud")))
    brokers = env.get("KAFKA_BROKERS", "") or (
        f"{setting('KAFKA_HOST', '127.0.0.1')}:{setting('KAFKA_PORT', '19092')}"
    )
    return StreamLocalSettings(
        control_script=script,
        stream_dir=stream_dir,
        brokers=brokers,
        topic=setting("KAFKA_TOPIC_RAW", "events.raw"),
    )


def _read_stack_env(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of the repo's stack.env (no quoting or expansion: the file uses none)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    values = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep and key.strip() and not key.lstrip().startswith("#"):
            values[key.strip()] = value.strip()
    return values


def _local_settings(env: _Env) -> LocalSettings:
    repo_root = Path(env.get("SHOP_REPO_ROOT", str(_DEFAULT_REPO_ROOT))).expanduser()
    jobs_project = Path(env.get("SHOP_JOBS_PROJECT", str(repo_root / "packages" / "processing-jobs")))
    if not jobs_project.is_absolute():
        jobs_project = repo_root / jobs_project
    if not jobs_project.is_dir():
        env.problem(f"SHOP_JOBS_PROJECT: {jobs_project} is not a directory")

    override = env.get("SHOP_JOBS_PYTHON", "")
    command = tuple(shlex.split(override)) if override else (str(jobs_project / ".venv" / "bin" / "python"),)
    return LocalSettings(repo_root=repo_root, jobs_project=jobs_project, python_command=command)


def _databricks_settings(env: _Env) -> DatabricksSettings:
    conn_id = env.get("SHOP_DATABRICKS_CONN_ID", "databricks_default")
    prefix = env.get("SHOP_DATABRICKS_JOB_NAME_PREFIX", "")
    job_id = env.integer("SHOP_DATABRICKS_JOB_ID", None, minimum=1)
    job_name = env.get("SHOP_DATABRICKS_JOB_NAME", "") or None
    if job_id is not None and job_name is not None:
        env.problem("set only one of SHOP_DATABRICKS_JOB_ID and SHOP_DATABRICKS_JOB_NAME")
    if job_id is not None or job_name is not None:
        return DatabricksSettings(conn_id=conn_id, job_id=job_id, job_name=job_name, job_name_prefix=prefix)

    python_file = env.get("SHOP_DATABRICKS_PYTHON_FILE", "") or None
    cluster_id = env.get("SHOP_DATABRICKS_CLUSTER_ID", "") or None
    new_cluster_raw = env.get("SHOP_DATABRICKS_NEW_CLUSTER", "")
    new_cluster = None
    if new_cluster_raw:
        try:
            new_cluster = json.loads(new_cluster_raw)
        except json.JSONDecodeError as err:
            env.problem(f"SHOP_DATABRICKS_NEW_CLUSTER is not valid JSON ({err})")
        else:
            if not isinstance(new_cluster, dict):
                env.problem("SHOP_DATABRICKS_NEW_CLUSTER must be a JSON object (a Databricks cluster spec)")
                new_cluster = None
    if python_file is None:
        env.problem(
            "databricks target needs SHOP_DATABRICKS_JOB_ID or SHOP_DATABRICKS_JOB_NAME (run an existing "
            "job) or SHOP_DATABRICKS_PYTHON_FILE (submit a one-off run)"
        )
    if (cluster_id is None) == (new_cluster_raw == ""):
        env.problem(
            "a one-off Databricks run needs exactly one of SHOP_DATABRICKS_CLUSTER_ID or "
            "SHOP_DATABRICKS_NEW_CLUSTER"
        )
    return DatabricksSettings(
        conn_id=conn_id,
        python_file=python_file,
        existing_cluster_id=cluster_id,
        new_cluster=new_cluster,
        wheel=env.get("SHOP_DATABRICKS_WHEEL", "") or None,
        job_name_prefix=prefix,
    )


class _Env:
    """Reads variables and collects problems, so one error reports every bad setting at once."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self._environ = environ
        self._problems: list[str] = []

    def get(self, name: str, default: str) -> str:
        value = self._environ.get(name, "").strip()
        return value if value else default

    def share(self, name: str, default: float) -> float:
        raw = self.get(name, "")
        if not raw:
            return default
        try:
            value = float(raw)
        except ValueError:
            self.problem(f"{name}={raw!r} is not a number")
            return default
        if not 0 <= value <= 1:
            self.problem(f"{name}={value} must be between 0 and 1")
            return default
        return value

    def integer(self, name: str, default: int | None, *, minimum: int) -> int | None:
        raw = self.get(name, "")
        if not raw:
            return default
        try:
            value = int(raw)
        except ValueError:
            self.problem(f"{name}={raw!r} is not an integer")
            return default
        if value < minimum:
            self.problem(f"{name}={value} must be at least {minimum}")
            return default
        return value

    def problem(self, message: str) -> None:
        self._problems.append(message)

    def raise_if_problems(self) -> None:
        if self._problems:
            lines = "\n".join(f"  - {p}" for p in self._problems)
            raise ConfigError(f"invalid Shop Analytics DAG configuration:\n{lines}")
