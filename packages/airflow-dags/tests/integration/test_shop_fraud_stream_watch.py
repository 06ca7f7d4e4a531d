"""dag.test() of shop_fraud_stream_watch, target local, against the real stack and the real fraud scoring job
started by scripts/stack/stream.sh: a healthy stream is left alone; a stream killed with SIGKILL, and one that
hangs (SIGSTOP) while records wait, are restarted by the DAG and commit a new batch.

The stream runs on a topic, a checkpoint folder and an alerts bucket of its own (stream.sh's own variables:
FRAUD_STREAM_DIR, KAFKA_TOPIC_RAW, KAFKA_TOPIC_FRAUD, S3_BUCKET), so the stack's shared stream is untouched.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from support import REPO_ROOT, TIMINGS, load_dagbag, xcom_return_value

pytestmark = pytest.mark.integration

STREAM_SH = REPO_ROOT / "scripts" / "stack" / "stream.sh"
JOBS_PYTHON = REPO_ROOT / "packages" / "processing-jobs" / ".venv" / "bin" / "python"
# Raw records as the collector publishes them: the contract's shared fixture.
COLLECTED = REPO_ROOT / "packages" / "event-schema" / "fixtures" / "storage" / "collected.jsonl"
BROKERS_DEFAULT = "127.0.0.1:19092"


def stream_sh(action: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(STREAM_SH), action], capture_output=True, text=True, timeout=timeout, check=False
    )


def brokers() -> str:
    return os.environ.get("KAFKA_BROKERS") or BROKERS_DEFAULT


def produce(topic: str) -> int:
    from confluent_kafka import Producer

    records = [line for line in COLLECTED.read_text(encoding="utf-8").splitlines() if line.strip()]
    producer = Producer({"bootstrap.servers": brokers(), "acks": "all", "enable.idempotence": True})
    for i, record in enumerate(records):
        producer.produce(topic, value=record.encode(), key=f"watch-it-{i}".encode())
    assert producer.flush(30) == 0, "records left unsent"
    return len(records)


def pid_of_stream(stream_dir: Path) -> int:
    return int((stream_dir / "fraud_stream.pid").read_text(encoding="utf-8").strip())


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


def wait_until(what: str, condition, timeout: float):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(1)
    pytest.fail(f"timed out after {timeout:.0f} s waiting until {what}")


@pytest.fixture(scope="module")
def stream(tmp_path_factory: pytest.TempPathFactory, stack_env):
    """The real job on a topic of its own, started by stream.sh; always stopped (and its topics deleted)."""
    if not JOBS_PYTHON.exists():
        pytest.fail(f"{JOBS_PYTHON} is missing: run scripts/bootstrap.sh python")
    suffix = uuid.uuid4().hex[:8]
    stream_dir = tmp_path_factory.mktemp("fraud-stream")
    settings = {
        "FRAUD_STREAM_DIR": str(stream_dir),
        "KAFKA_TOPIC_RAW": f"it.fraud-watch.{suffix}.raw",
        "KAFKA_TOPIC_FRAUD": f"it.fraud-watch.{suffix}.alerts",
        # The daily batch test's bucket: alerts (if any) land in its fraud_alerts/, not the shared lake.
        "S3_BUCKET": f"{os.environ['S3_BUCKET']}-airflow-it",
        "STACK_STOP_TIMEOUT": "5",
    }
    with pytest.MonkeyPatch.context() as mp:
        for name, value in settings.items():
            mp.setenv(name, value)
        started = time.monotonic()
        try:
            # Creates the topics (through up.sh) and waits for the first committed micro-batch.
            result = stream_sh("start")
            TIMINGS["stream.sh start (fraud stream)"] = time.monotonic() - started
            assert result.returncode == 0, f"stream.sh start failed:\n{result.stdout}\n{result.stderr}"
            yield {"dir": stream_dir, "topic": settings["KAFKA_TOPIC_RAW"], **settings}
        finally:
            stopped = stream_sh("stop", timeout=60)
            _delete_topics([settings["KAFKA_TOPIC_RAW"], settings["KAFKA_TOPIC_FRAUD"]])
            assert stopped.returncode == 0, f"stream.sh stop failed:\n{stopped.stderr}"


def _delete_topics(topics: list[str]) -> None:
    from confluent_kafka.admin import AdminClient

    admin = AdminClient({"bootstrap.servers": brokers()})
    for future in admin.delete_topics(topics, operation_timeout=10).values():
        try:
            future.result()
        except Exception as err:  # a topic that was never created is fine; anything else is only untidy
            print(f"could not delete a test topic: {err}")


def caught_up(stream: dict) -> bool:
    from shop_dags.stream_health import partition_lag, read_checkpoint
    from shop_dags.stream_watch import fetch_topic_offsets

    progress = read_checkpoint(stream["dir"] / "checkpoint", stream["topic"])
    if progress is None or progress.committed is None:
        return False
    end = fetch_topic_offsets(brokers(), stream["topic"])
    return sum(end.latest.values()) > 0 and sum(partition_lag(progress.committed.offsets, end).values()) == 0


def newest_commit(stream: dict) -> int:
    from shop_dags.stream_health import read_checkpoint

    return read_checkpoint(stream["dir"] / "checkpoint", stream["topic"]).committed.batch_id


def run_watch(monkeypatch: pytest.MonkeyPatch, label: str):
    monkeypatch.setenv("SHOP_DEPLOY_TARGET", "local")
    monkeypatch.setenv("SHOP_TASK_RETRIES", "0")  # dag.test() would sit out retry delays
    monkeypatch.setenv("SHOP_STREAM_RECOVERY_SECONDS", "150")
    bag = load_dagbag()
    assert bag.import_errors == {}
    started = time.monotonic()
    dag_run = bag.dags["shop_fraud_stream_watch"].test()
    TIMINGS[f"dag.test shop_fraud_stream_watch ({label})"] = time.monotonic() - started
    states = {ti.task_id: ti.state for ti in dag_run.get_task_instances()}
    return dag_run, states


def test_the_watch_leaves_a_healthy_stream_alone_and_restarts_a_killed_one(
    monkeypatch: pytest.MonkeyPatch, airflow_db, stream
):
    produce(stream["topic"])
    wait_until("the stream has committed the records", lambda: caught_up(stream), timeout=90)
    pid = pid_of_stream(stream["dir"])

    dag_run, states = run_watch(monkeypatch, "healthy")

    assert dag_run.state == "success"
    assert states == {"check_stream": "success", "restart_stream": "skipped"}
    verdict = xcom_return_value(dag_run, "check_stream")
    assert verdict["health"] == "healthy", verdict
    assert verdict["reason"].startswith("caught up")
    assert verdict["lag"] == 0
    assert verdict["target"] == "local"
    assert pid_of_stream(stream["dir"]) == pid, "a healthy stream was restarted"

    # SIGKILL: no chance to clean up, as after an OOM kill. Then records it has not read.
    os.kill(pid, signal.SIGKILL)
    wait_until("the killed job is gone", lambda: not alive(pid), timeout=30)
    assert stream_sh("status").returncode == 1
    before = newest_commit(stream)
    produce(stream["topic"])

    dag_run, states = run_watch(monkeypatch, "restart after SIGKILL")

    assert dag_run.state == "success", states
    assert states == {"check_stream": "success", "restart_stream": "success"}
    verdict = xcom_return_value(dag_run, "check_stream")
    assert verdict["health"] == "not_running", verdict
    assert verdict["batch_id"] == before
    outcome = xcom_return_value(dag_run, "restart_stream")
    assert outcome["restarted"] is True
    assert outcome["health"] == "healthy"
    assert outcome["batch_id"] > before, outcome
    status = stream_sh("status")
    assert status.returncode == 0, status.stdout
    new_pid = pid_of_stream(stream["dir"])
    assert new_pid != pid
    assert outcome["pid"] == new_pid
    # The restarted job resumes from the checkpoint and reads what arrived while it was down.
    wait_until("the restarted stream has caught up", lambda: caught_up(stream), timeout=90)
    assert newest_commit(stream) > before


def test_the_watch_restarts_a_stream_that_stopped_making_progress(
    monkeypatch: pytest.MonkeyPatch, airflow_db, stream
):
    # Runs after the test above (same module fixture): the stream is running and caught up.
    wait_until("the stream is caught up", lambda: caught_up(stream), timeout=90)
    pid = pid_of_stream(stream["dir"])
    # A hung driver: SIGSTOP keeps the process (stream.sh status still says running), but the query's
    # foreachBatch calls back into it, so no batch can commit. Then records arrive that it cannot read.
    os.kill(pid, signal.SIGSTOP)
    try:
        before = newest_commit(stream)
        produce(stream["topic"])
        monkeypatch.setenv("SHOP_STREAM_STALL_SECONDS", "5")
        time.sleep(6)
        assert stream_sh("status").returncode == 0

        dag_run, states = run_watch(monkeypatch, "restart of a stalled stream")
    finally:
        if alive(pid):
            os.kill(pid, signal.SIGCONT)

    assert dag_run.state == "success", states
    verdict = xcom_return_value(dag_run, "check_stream")
    assert verdict["health"] == "stalled", verdict
    assert verdict["lag"] > 0
    assert verdict["batch_id"] == before
    outcome = xcom_return_value(dag_run, "restart_stream")
    assert outcome["health"] == "healthy"
    assert outcome["batch_id"] > before
    # stream.sh stopped the hung process (SIGTERM stays pending on a stopped one: SIGKILL after 5 s).
    assert not alive(pid)
    assert pid_of_stream(stream["dir"]) == outcome["pid"] != pid
    wait_until("the restarted stream has caught up", lambda: caught_up(stream), timeout=90)
