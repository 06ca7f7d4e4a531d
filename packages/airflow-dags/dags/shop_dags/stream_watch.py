"""What the fraud stream watch observes and does, per deploy target; stream_health.py does the judging.

local: the process through scripts/stack/stream.sh (``status``, ``restart``) and its PID file, progress
from the Spark checkpoint on disk, the topic's offsets from Kafka. databricks: the job's runs through the
provider's DatabricksHook, and ``run-now`` when none is active.
"""

from __future__ import annotations

import hashlib
import logging
import subprocess
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from shop_dags.config import DeployTarget, StreamDatabricksSettings, StreamLocalSettings, StreamWatchConfig
from shop_dags.jobs import child_env
from shop_dags.stream_health import (
    CheckpointProgress,
    Health,
    JobRun,
    StreamProcess,
    TopicOffsets,
    Verdict,
    judge_databricks,
    judge_local,
    judge_recovery,
    read_checkpoint,
)

log = logging.getLogger(__name__)

KAFKA_TIMEOUT_SECONDS = 10.0
STATUS_TIMEOUT_SECONDS = 30
# How long a restarted stream must stay up when there is nothing new for it to commit: the JVM, the
# session and the query start in 10-20 s on a 2-core machine, and a bad start fails within that.
RESTART_SETTLE_SECONDS = 30.0
POLL_SECONDS = 2.0
LOG_TAIL_LINES = 40

# Jobs API 2.2 calls the hook has no public method for (it has for list, run-now and runs/get).
_GET_JOB = ("GET", "2.2/jobs/get")
_LIST_RUNS = ("GET", "2.2/jobs/runs/list")
# Enough to find an active run and, when there is none, the latest one's end.
_RUNS_LISTED = 5


class StreamWatchError(RuntimeError):
    """The watch could not see the stream, or could not bring it back; the message says which and why."""


def check(config: StreamWatchConfig) -> dict[str, Any]:
    """The verdict for the configured target, as a JSON-safe dict (the check task's XCom)."""
    checked_at = datetime.now(UTC).isoformat(timespec="seconds")
    if config.target is DeployTarget.LOCAL:
        assert config.local is not None
        verdict = check_local(config.local, config.stall_seconds)
    else:
        assert config.databricks is not None
        verdict = check_databricks(config.databricks, config.stall_seconds)
    return {"target": config.target.value, "checked_at": checked_at, **verdict.as_dict()}


def restart(config: StreamWatchConfig, verdict: dict[str, Any]) -> dict[str, Any]:
    """Brings an unhealthy stream back, or raises StreamWatchError saying why it could not."""
    if config.target is DeployTarget.LOCAL:
        assert config.local is not None
        # A stalled process is stopped and started like a dead one: Spark resumes from the checkpoint.
        return restart_local(config.local, config.recovery_seconds)
    assert config.databricks is not None
    if verdict["health"] == Health.STALLED.value:
        # A run stuck before RUNNING waits for a cluster or a quota; another run would wait behind it
        # (one active run at a time). A person has to look.
        raise StreamWatchError(f"not restarting: {verdict['reason']}")
    return restart_databricks(config.databricks, verdict)


# --- local -------------------------------------------------------------------------------------------------


def check_local(settings: StreamLocalSettings, stall_seconds: float) -> Verdict:
    process = read_process(settings)
    progress = read_checkpoint(settings.checkpoint, settings.topic)
    # A stopped job is restarted whatever the topic holds, so Kafka is asked only about a running one.
    topic = fetch_topic_offsets(settings.brokers, settings.topic) if process.running else None
    return judge_local(process, progress, topic, now=time.time(), stall_seconds=stall_seconds)


def read_process(settings: StreamLocalSettings) -> StreamProcess:
    """stream.sh status decides whether the job runs (PID file plus its command-line marker); the PID file's
    time is when stream.sh started it."""
    result = _stream_sh(settings, "status", timeout=STATUS_TIMEOUT_SECONDS)
    if result.returncode != 0:
        return StreamProcess(pid=None)
    try:
        pid = int(settings.pid_file.read_text(encoding="utf-8").strip())
        started_at = settings.pid_file.stat().st_mtime
    except (FileNotFoundError, ValueError) as err:
        raise StreamWatchError(
            f"stream.sh reports the job running but {settings.pid_file} is unreadable"
        ) from err
    return StreamProcess(pid=pid, started_at=started_at)


def fetch_topic_offsets(brokers: str, topic: str, timeout: float = KAFKA_TIMEOUT_SECONDS) -> TopicOffsets:
    """Each partition's first and end offset (the high watermark, what Spark's Kafka source reads up to)."""
    from confluent_kafka import KafkaException, TopicPartition
    from confluent_kafka.admin import AdminClient, OffsetSpec

    admin = AdminClient({"bootstrap.servers": brokers, "client.id": "shop-fraud-stream-watch"})
    try:
        metadata = admin.list_topics(topic=topic, timeout=timeout)
        described = metadata.topics.get(topic)
        if described is None or described.error is not None:
            problem = described.error if described is not None else "missing"
            raise StreamWatchError(f"topic {topic} on {brokers}: {problem}")
        partitions = sorted(described.partitions)

        def offsets(spec: Any) -> dict[int, int]:
            requests = {TopicPartition(topic, p): spec for p in partitions}
            futures = admin.list_offsets(requests, request_timeout=timeout)
            return {tp.partition: future.result().offset for tp, future in futures.items()}

        return TopicOffsets(earliest=offsets(OffsetSpec.earliest()), latest=offsets(OffsetSpec.latest()))
    except KafkaException as err:
        raise StreamWatchError(f"could not read the offsets of {topic} from {brokers}: {err}") from err


def restart_local(settings: StreamLocalSettings, recovery_seconds: float) -> dict[str, Any]:
    """stream.sh restart (stop: SIGTERM, then SIGKILL; start), then wait until the job shows it works.

    Raises StreamWatchError when stream.sh fails, the job exits, or it shows no progress within
    ``recovery_seconds`` (counted from the restart).
    """
    before = read_checkpoint(settings.checkpoint, settings.topic)
    before_batch = before.committed.batch_id if before and before.committed else None
    deadline = time.monotonic() + recovery_seconds
    result = _stream_sh(settings, "restart", timeout=recovery_seconds)
    output = _tail(result.stdout + result.stderr)
    log.info("stream.sh restart exited %d:\n%s", result.returncode, output)
    if result.returncode != 0:
        raise StreamWatchError(f"`stream.sh restart` exited with code {result.returncode}:\n{output}")

    verdict = wait_for_recovery(
        before_batch,
        observe=lambda: _observe_local(settings),
        deadline=deadline,
    )
    if verdict is None:
        raise StreamWatchError(
            f"the restarted stream showed no progress within {recovery_seconds:.0f} s "
            f"(no batch after {before_batch}); its log:\n{_log_tail(settings)}"
        )
    if not verdict.healthy:
        raise StreamWatchError(f"{verdict.reason}; its log:\n{_log_tail(settings)}")
    process = read_process(settings)
    return {"restarted": True, "pid": process.pid, **verdict.as_dict()}


def wait_for_recovery(
    before_batch: int | None,
    observe: Callable[[], tuple[StreamProcess, CheckpointProgress | None, TopicOffsets | None]],
    deadline: float,
    settle_seconds: float = RESTART_SETTLE_SECONDS,
) -> Verdict | None:
    """Polls ``observe`` until judge_recovery decides or the monotonic ``deadline`` passes (then None)."""
    while True:
        process, progress, topic = observe()
        verdict = judge_recovery(
            before_batch, process, progress, topic, now=time.time(), settle_seconds=settle_seconds
        )
        if verdict is not None or time.monotonic() >= deadline:
            return verdict
        time.sleep(POLL_SECONDS)


def _observe_local(
    settings: StreamLocalSettings,
) -> tuple[StreamProcess, CheckpointProgress | None, TopicOffsets | None]:
    process = read_process(settings)
    progress = read_checkpoint(settings.checkpoint, settings.topic)
    committed = progress.committed if progress else None
    # Only a restart onto an already committed, possibly idle, checkpoint needs the topic's end.
    topic = fetch_topic_offsets(settings.brokers, settings.topic) if process.running and committed else None
    return process, progress, topic


def _stream_sh(
    settings: StreamLocalSettings, action: str, *, timeout: float
) -> subprocess.CompletedProcess[str]:
    env = child_env()
    # stream.sh reads these itself, with the same defaults; passing what the watch resolved keeps the
    # two looking at one stream even when the watch's defaults came from SHOP_REPO_ROOT's stack.env.
    env["FRAUD_STREAM_DIR"] = str(settings.stream_dir)
    env["KAFKA_BROKERS"] = settings.brokers
    env["KAFKA_TOPIC_RAW"] = settings.topic
    try:
        return subprocess.run(
            ["bash", str(settings.control_script), action],
            capture_output=True,
            text=True,
            env=env,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as err:
        raise StreamWatchError(f"`stream.sh {action}` did not finish within {timeout:.0f} s") from err


def _tail(text: str, lines: int = LOG_TAIL_LINES) -> str:
    return "\n".join(text.splitlines()[-lines:])


def _log_tail(settings: StreamLocalSettings) -> str:
    try:
        return _tail(settings.log_file.read_text(encoding="utf-8", errors="replace"))
    except FileNotFoundError:
        return f"({settings.log_file} does not exist)"


# --- Databricks --------------------------------------------------------------------------------------------


def databricks_hook(settings: StreamDatabricksSettings) -> Any:
    # Imported here so that parsing the DAG file for the local target never loads the provider.
    from airflow.providers.databricks.hooks.databricks import DatabricksHook

    return DatabricksHook(settings.conn_id, caller="shop_fraud_stream_watch")


def check_databricks(settings: StreamDatabricksSettings, stall_seconds: float, hook: Any = None) -> Verdict:
    hook = hook if hook is not None else databricks_hook(settings)
    job = find_job(hook, settings)
    job_id = int(job["job_id"])
    listed = hook._do_api_call(_LIST_RUNS, {"job_id": job_id, "limit": _RUNS_LISTED})
    runs = [JobRun.from_api(run) for run in listed.get("runs", [])]
    continuous = (job.get("settings") or {}).get("continuous")
    paused = None if continuous is None else continuous.get("pause_status") == "PAUSED"
    if continuous is None:
        log.warning("job %s has no continuous trigger: nothing but this DAG restarts it", job_id)
    return judge_databricks(job_id, runs, paused=paused, now=time.time(), stall_seconds=stall_seconds)


def find_job(hook: Any, settings: StreamDatabricksSettings) -> dict[str, Any]:
    """The job (id and settings) by its id, or by its name, which must name exactly one job."""
    if settings.job_id is not None:
        return hook._do_api_call(_GET_JOB, {"job_id": settings.job_id})
    jobs = hook.list_jobs(job_name=settings.job_name)
    if not jobs:
        raise StreamWatchError(
            f"no Databricks job is named {settings.job_name!r}: deploy the processing-jobs bundle, or set "
            "SHOP_DATABRICKS_STREAM_JOB_NAME to the deployed name (a `mode: development` target prefixes it "
            "with '[dev <user>] ')"
        )
    if len(jobs) > 1:
        ids = ", ".join(str(j["job_id"]) for j in jobs)
        raise StreamWatchError(f"{len(jobs)} Databricks jobs are named {settings.job_name!r} ({ids})")
    return jobs[0]


def restart_databricks(
    settings: StreamDatabricksSettings, verdict: dict[str, Any], hook: Any = None
) -> dict[str, Any]:
    """run-now, then check the new run is alive; a cluster takes minutes, the next check sees it RUNNING.

    The idempotency token comes from the check it answers, so a retry of this task starts no second run.
    """
    hook = hook if hook is not None else databricks_hook(settings)
    job_id = int(verdict["job_id"])
    token = hashlib.sha256(f"{job_id}|{verdict['checked_at']}".encode()).hexdigest()[:32]
    run_id = hook.run_now({"job_id": job_id, "idempotency_token": token})
    run = hook.get_run(run_id)
    state = JobRun.from_api(run)
    if state.life_cycle_state in {"TERMINATED", "SKIPPED", "INTERNAL_ERROR"}:
        ended = " ".join(s for s in (state.life_cycle_state, state.result_state, state.state_message) if s)
        raise StreamWatchError(f"run {run_id} of job {job_id} ended at once: {ended}")
    return {
        "restarted": True,
        "job_id": job_id,
        "run_id": run_id,
        "life_cycle_state": state.life_cycle_state,
        "run_page_url": run.get("run_page_url"),
    }


def is_healthy(verdict: dict[str, Any]) -> bool:
    return verdict["health"] == Health.HEALTHY.value
