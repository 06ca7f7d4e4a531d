"""The fraud stream's verdicts, and the checkpoint reader held to a real Spark checkpoint (tests/fixtures)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from shop_dags.stream_health import (
    CheckpointFormatError,
    CheckpointProgress,
    CommittedBatch,
    Health,
    JobRun,
    StreamProcess,
    TopicOffsets,
    judge_databricks,
    judge_local,
    judge_recovery,
    parse_offsets_file,
    partition_lag,
    read_checkpoint,
)
from support import PACKAGE_DIR

FIXTURE = PACKAGE_DIR / "tests" / "fixtures" / "stream_checkpoint"
FIXTURE_TOPIC = "fraud-watch-probe"
# What batch 1 of the fixture read: the 15 records of the storage fixture, over 6 partitions.
FIXTURE_OFFSETS = {0: 2, 1: 1, 2: 1, 3: 4, 4: 2, 5: 5}

NOW = 1_800_000_000.0
STALL = 300.0
RUNNING = StreamProcess(pid=4242, started_at=NOW - 3600)


def committed(batch_id: int, seconds_ago: float, offsets: dict[int, int]) -> CheckpointProgress:
    return CheckpointProgress(
        newest_batch=batch_id, committed=CommittedBatch(batch_id, NOW - seconds_ago, offsets)
    )


def topic(latest: dict[int, int], earliest: dict[int, int] | None = None) -> TopicOffsets:
    return TopicOffsets(earliest=earliest or dict.fromkeys(latest, 0), latest=latest)


def judge(process=RUNNING, progress=None, offsets=None):
    return judge_local(process, progress, offsets, now=NOW, stall_seconds=STALL)


# --- the checkpoint as Spark writes it ----------------------------------------------------------------------


def copy_fixture(tmp_path: Path) -> Path:
    checkpoint = tmp_path / "checkpoint"
    shutil.copytree(FIXTURE, checkpoint)
    return checkpoint


def test_a_real_offsets_file_gives_each_partitions_next_offset():
    text = (FIXTURE / "offsets" / "1").read_text(encoding="utf-8")

    assert parse_offsets_file(text, FIXTURE_TOPIC) == FIXTURE_OFFSETS


def test_another_topics_offsets_are_not_ours():
    text = (FIXTURE / "offsets" / "1").read_text(encoding="utf-8")

    assert parse_offsets_file(text, "events.raw") == {}


def test_the_least_advanced_source_decides_and_void_sources_are_skipped():
    text = "\n".join(
        [
            "v1",
            '{"batchWatermarkMs":0,"batchTimestampMs":1,"conf":{}}',
            '{"events.raw":{"0":10,"1":7}}',
            "-",
            '{"events.raw":{"0":8,"1":9}}',
        ]
    )

    assert parse_offsets_file(text, "events.raw") == {0: 8, 1: 7}


@pytest.mark.parametrize("text", ["", "{}", "v1\n{}\nnot json"])
def test_a_file_spark_would_not_write_is_an_error(text: str):
    with pytest.raises(CheckpointFormatError):
        parse_offsets_file(text, "events.raw")


def test_the_newest_committed_batch_of_a_real_checkpoint(tmp_path: Path):
    checkpoint = copy_fixture(tmp_path)
    os.utime(checkpoint / "commits" / "2", (NOW - 42, NOW - 42))

    progress = read_checkpoint(checkpoint, FIXTURE_TOPIC)

    assert progress == CheckpointProgress(
        newest_batch=2, committed=CommittedBatch(batch_id=2, committed_at=NOW - 42, offsets=FIXTURE_OFFSETS)
    )


def test_a_batch_still_running_is_planned_but_not_committed(tmp_path: Path):
    checkpoint = copy_fixture(tmp_path)
    (checkpoint / "commits" / "2").unlink()

    progress = read_checkpoint(checkpoint, FIXTURE_TOPIC)

    assert progress.newest_batch == 2
    assert progress.committed.batch_id == 1
    assert progress.committed.offsets == FIXTURE_OFFSETS


def test_no_checkpoint_yet(tmp_path: Path):
    assert read_checkpoint(tmp_path / "checkpoint", FIXTURE_TOPIC) is None
    (tmp_path / "checkpoint" / "offsets").mkdir(parents=True)
    assert read_checkpoint(tmp_path / "checkpoint", FIXTURE_TOPIC) is None


def test_first_batch_planned_and_none_committed(tmp_path: Path):
    checkpoint = copy_fixture(tmp_path)
    shutil.rmtree(checkpoint / "commits")

    assert read_checkpoint(checkpoint, FIXTURE_TOPIC) == CheckpointProgress(newest_batch=2, committed=None)


def test_a_commit_without_its_offsets_is_an_error(tmp_path: Path):
    checkpoint = copy_fixture(tmp_path)
    (checkpoint / "commits" / "3").write_text("v1\n{}\n", encoding="utf-8")

    with pytest.raises(CheckpointFormatError, match="offsets/3 does not"):
        read_checkpoint(checkpoint, FIXTURE_TOPIC)


# --- lag --------------------------------------------------------------------------------------------------


def test_lag_counts_what_is_left_to_read_per_partition():
    lag = partition_lag({0: 2, 1: 1}, topic({0: 5, 1: 1, 2: 3}, earliest={0: 0, 1: 0, 2: 1}))

    # Partition 2 is unknown to the checkpoint: everything still in the log is left to read.
    assert lag == {0: 3, 1: 0, 2: 2}


def test_records_the_broker_deleted_are_not_lag():
    assert partition_lag({0: 2}, topic({0: 10}, earliest={0: 7})) == {0: 3}


def test_a_checkpoint_ahead_of_the_log_is_no_negative_lag():
    assert partition_lag({0: 9}, topic({0: 4})) == {0: 0}


# --- the local verdict --------------------------------------------------------------------------------------


def test_alive_and_caught_up_is_healthy_however_old_the_commit():
    # An idle topic gives Spark nothing to commit: a day-old commit that read everything is fine.
    verdict = judge(progress=committed(7, 86_400, {0: 5, 1: 3}), offsets=topic({0: 5, 1: 3}))

    assert verdict.health is Health.HEALTHY
    assert verdict.reason.startswith("caught up: batch 7")
    assert (verdict.lag, verdict.batch_id) == (0, 7)


def test_alive_and_behind_with_a_recent_commit_is_healthy():
    verdict = judge(progress=committed(7, 60, {0: 5, 1: 3}), offsets=topic({0: 50, 1: 3}))

    assert verdict.health is Health.HEALTHY
    assert verdict.lag == 45
    assert verdict.lag_by_partition == {0: 45, 1: 0}
    assert verdict.reason == "45 records behind, progressing: batch 7 committed 60 s ago"


def test_alive_behind_and_no_commit_within_the_threshold_is_stalled():
    verdict = judge(progress=committed(7, STALL + 1, {0: 5}), offsets=topic({0: 6}))

    assert verdict.health is Health.STALLED
    assert verdict.lag == 1
    assert verdict.idle_seconds == STALL + 1
    assert "no batch committed for 301 s (threshold 300 s)" in verdict.reason


def test_the_threshold_itself_is_still_progress():
    verdict = judge(progress=committed(7, STALL, {0: 5}), offsets=topic({0: 6}))

    assert verdict.health is Health.HEALTHY


def test_a_restarted_process_gets_the_full_threshold_for_its_first_batch():
    # The newest commit is from before a long outage; the process started 2 minutes ago onto the backlog.
    restarted = StreamProcess(pid=4243, started_at=NOW - 120)

    verdict = judge(process=restarted, progress=committed(7, 3600, {0: 5}), offsets=topic({0: 900}))

    assert verdict.health is Health.HEALTHY
    assert verdict.idle_seconds == 120


def test_not_running_whatever_the_checkpoint_says():
    verdict = judge(process=StreamProcess(pid=None), progress=committed(7, 1, {0: 5}))

    assert verdict.health is Health.NOT_RUNNING
    assert verdict.reason == "the fraud_stream process is not running; last committed batch 7"
    assert verdict.lag is None


def test_not_running_and_no_checkpoint_yet():
    verdict = judge(process=StreamProcess(pid=None), progress=None)

    assert verdict.health is Health.NOT_RUNNING
    assert verdict.reason.endswith("no batch committed yet")


def test_no_checkpoint_yet_while_starting_is_healthy():
    starting = StreamProcess(pid=4243, started_at=NOW - 20)

    verdict = judge(process=starting, progress=None, offsets=topic({0: 10}))

    assert verdict.health is Health.HEALTHY
    assert verdict.reason == "starting: no micro-batch committed yet (running for 20 s)"


def test_no_checkpoint_long_after_the_start_is_stalled():
    verdict = judge(progress=CheckpointProgress(newest_batch=0, committed=None), offsets=topic({0: 10}))

    assert verdict.health is Health.STALLED
    assert verdict.reason.startswith("no micro-batch committed (running for 3600 s)")


def test_a_running_stream_is_never_judged_without_the_topic():
    with pytest.raises(ValueError, match="topic"):
        judge(progress=committed(1, 1, {0: 1}), offsets=None)


def test_the_verdict_is_json_safe_for_xcom():
    verdict = judge(progress=committed(7, 60, {0: 5, 1: 3}), offsets=topic({0: 50, 1: 3}))

    assert verdict.as_dict() == {
        "health": "healthy",
        "reason": "45 records behind, progressing: batch 7 committed 60 s ago",
        "lag": 45,
        "lag_by_partition": {"0": 45, "1": 0},
        "batch_id": 7,
        "idle_seconds": 60.0,
        "job_id": None,
        "run_id": None,
        "paused": None,
    }


# --- after a restart ----------------------------------------------------------------------------------------


def recovery(process, progress, offsets=None, before=7):
    return judge_recovery(before, process, progress, offsets, now=NOW, settle_seconds=30)


def test_a_new_commit_after_the_restart_is_recovery():
    fresh = StreamProcess(pid=9, started_at=NOW - 5)

    verdict = recovery(fresh, committed(8, 1, {0: 5}))

    assert verdict.health is Health.HEALTHY
    assert verdict.reason == "restarted: committed batch 8"


def test_the_first_commit_of_a_new_checkpoint_is_recovery():
    verdict = recovery(StreamProcess(pid=9, started_at=NOW - 5), committed(0, 1, {0: 0}), before=None)

    assert verdict.health is Health.HEALTHY


def test_an_old_commit_is_not_recovery_until_the_process_has_settled_with_nothing_to_read():
    progress = committed(7, 600, {0: 5})
    caught_up = topic({0: 5})

    assert recovery(StreamProcess(pid=9, started_at=NOW - 10), progress, caught_up) is None
    verdict = recovery(StreamProcess(pid=9, started_at=NOW - 30), progress, caught_up)
    assert verdict.health is Health.HEALTHY
    assert verdict.reason.startswith("restarted: up for 30 s with nothing new to read")


def test_with_records_to_read_only_a_new_commit_is_recovery():
    assert (
        recovery(StreamProcess(pid=9, started_at=NOW - 100), committed(7, 600, {0: 5}), topic({0: 6})) is None
    )


def test_a_process_that_exits_after_the_restart_is_not_recovery():
    verdict = recovery(StreamProcess(pid=None), committed(7, 600, {0: 5}))

    assert verdict.health is Health.NOT_RUNNING


# --- Databricks --------------------------------------------------------------------------------------------


def run(run_id: int, state: str, result: str | None = None, started_ago: float = 600, message: str = ""):
    return JobRun(run_id, state, result, message, NOW - started_ago)


def judge_db(runs, paused=False):
    return judge_databricks(11, runs, paused=paused, now=NOW, stall_seconds=STALL)


def test_a_running_run_is_healthy():
    verdict = judge_db([run(2, "RUNNING"), run(1, "TERMINATED", "FAILED")])

    assert verdict.health is Health.HEALTHY
    assert (verdict.job_id, verdict.run_id, verdict.paused) == (11, 2, False)


def test_a_running_run_of_a_paused_job_is_healthy_and_says_so():
    verdict = judge_db([run(2, "RUNNING")], paused=True)

    assert verdict.health is Health.HEALTHY
    assert "PAUSED" in verdict.reason


def test_a_run_starting_within_the_threshold_is_healthy():
    verdict = judge_db([run(3, "PENDING", started_ago=120)])

    assert verdict.health is Health.HEALTHY
    assert verdict.reason == "starting: run 3 has been PENDING for 120 s"


def test_a_run_stuck_starting_is_stalled():
    verdict = judge_db([run(3, "QUEUED", started_ago=STALL + 60)])

    assert verdict.health is Health.STALLED
    assert verdict.run_id == 3


def test_no_active_run_is_not_running_with_the_last_runs_end():
    verdict = judge_db(
        [run(5, "TERMINATED", "FAILED", message="Kafka unreachable"), run(4, "TERMINATED", "CANCELED")],
        paused=True,
    )

    assert verdict.health is Health.NOT_RUNNING
    assert verdict.run_id == 5
    assert verdict.reason.startswith("no active run; the latest, 5, is TERMINATED FAILED: Kafka unreachable")
    assert "PAUSED" in verdict.reason


def test_a_job_that_never_ran_is_not_running():
    verdict = judge_db([])

    assert verdict.health is Health.NOT_RUNNING
    assert verdict.reason == "the job has never run"


def test_runs_from_the_jobs_api():
    listed = {
        "run_id": 77,
        "start_time": 1_800_000_000_000,
        "state": {"life_cycle_state": "TERMINATED", "result_state": "FAILED", "state_message": "boom"},
        "status": {"state": "TERMINATED"},
    }

    assert JobRun.from_api(listed) == JobRun(77, "TERMINATED", "FAILED", "boom", 1_800_000_000.0)
