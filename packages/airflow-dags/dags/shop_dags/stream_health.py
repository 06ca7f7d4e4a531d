"""Is the fraud scoring stream alive and making progress? Decisions over what was observed, nothing else.

The watch DAG gathers the facts (stream_watch.py: the process, the Spark checkpoint, the topic's offsets,
or the Databricks job's runs) and these functions judge them, so every case can be tested on plain values.

A local stream is **healthy** when its process runs and either its newest committed micro-batch has read
the topic to its end (caught up: an idle topic commits no batches, so an old commit alone means nothing)
or it committed a batch within the stall threshold (behind, but moving). A process that has been running
for longer than the threshold without either is **stalled**; no process is **not running**. Time since
progress counts from the newest commit or the process's start, whichever is later, so a job restarted
onto a backlog gets the full threshold for its first batch.

Spark's checkpoint, as the stream leaves it on disk (tests/fixtures/stream_checkpoint is a real one):

- ``offsets/<batch>``, written when a micro-batch is planned: line 1 the log version (``v1``), line 2 the
  batch's metadata JSON (watermark, start time, the SQL confs), then one line per source of the query in
  source order: ``{"<topic>": {"<partition>": <next offset>, ...}}``, or ``-`` for a source without an
  offset. The fraud query reads the topic through several sources (one per branch of its plan), each with
  its own line.
- ``commits/<batch>``, written when that batch has finished (``v1`` and ``{"nextBatchWatermarkMs": …}``);
  the file's modification time is when the batch committed.
"""

from __future__ import annotations

import enum
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

OFFSETS_DIR = "offsets"
COMMITS_DIR = "commits"
# A source that has no offset yet is written as this instead of JSON (Spark's OffsetSeqLog).
_VOID_OFFSET = "-"

# Databricks run life cycle states: a run in one of these is on its way to RUNNING.
DATABRICKS_STARTING_STATES = frozenset({"QUEUED", "PENDING", "BLOCKED", "WAITING_FOR_RETRY"})


class CheckpointFormatError(ValueError):
    """A checkpoint file is not what Spark writes; the message names the file."""


class Health(enum.StrEnum):
    HEALTHY = "healthy"
    NOT_RUNNING = "not_running"
    STALLED = "stalled"


@dataclass(frozen=True)
class Verdict:
    health: Health
    reason: str
    # Records the newest committed batch is behind the topic's end, in all and per partition (local target,
    # when the topic's offsets were read).
    lag: int | None = None
    lag_by_partition: Mapping[int, int] = field(default_factory=dict)
    # The newest committed micro-batch (local), and seconds since the stream last showed progress.
    batch_id: int | None = None
    idle_seconds: float | None = None
    # Databricks: the job, and its active (or else latest) run.
    job_id: int | None = None
    run_id: int | None = None
    paused: bool | None = None

    @property
    def healthy(self) -> bool:
        return self.health is Health.HEALTHY

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe (XCom): partitions become string keys, None values are kept."""
        return {
            "health": self.health.value,
            "reason": self.reason,
            "lag": self.lag,
            "lag_by_partition": {str(p): n for p, n in sorted(self.lag_by_partition.items())},
            "batch_id": self.batch_id,
            "idle_seconds": None if self.idle_seconds is None else round(self.idle_seconds, 1),
            "job_id": self.job_id,
            "run_id": self.run_id,
            "paused": self.paused,
        }


# --- the local stream: process, checkpoint, topic ---------------------------------------------------------


@dataclass(frozen=True)
class StreamProcess:
    """The job's process as stream.sh sees it; pid None means it is not running."""

    pid: int | None
    started_at: float | None = None  # epoch seconds

    @property
    def running(self) -> bool:
        return self.pid is not None


@dataclass(frozen=True)
class CommittedBatch:
    batch_id: int
    committed_at: float  # epoch seconds
    # Per partition of the topic, the offset the batch read up to (exclusive): where the next batch starts.
    offsets: Mapping[int, int]


@dataclass(frozen=True)
class CheckpointProgress:
    newest_batch: int | None  # the newest planned batch (it may still be running)
    committed: CommittedBatch | None  # the newest finished one


@dataclass(frozen=True)
class TopicOffsets:
    earliest: Mapping[int, int]  # per partition, the first offset still in the log
    latest: Mapping[int, int]  # per partition, the offset the next record will get (the end)


def parse_offsets_file(text: str, topic: str, *, name: str = "offsets file") -> dict[int, int]:
    """The offsets a batch reads up to, per partition of ``topic``, from an ``offsets/<batch>`` file.

    Where several sources read the topic, each partition gets the least advanced source's offset: the
    batch is only done with a record once every source is.
    """
    lines = text.splitlines()
    if len(lines) < 2 or not lines[0].startswith("v"):
        raise CheckpointFormatError(f"{name}: expected a version line and metadata, got {text[:80]!r}")
    offsets: dict[int, int] = {}
    for number, line in enumerate(lines[2:], start=3):
        line = line.strip()
        if not line or line == _VOID_OFFSET:
            continue
        try:
            source = json.loads(line)
        except json.JSONDecodeError as err:
            raise CheckpointFormatError(f"{name}, line {number}: not JSON ({err})") from err
        partitions = source.get(topic) if isinstance(source, dict) else None
        if partitions is None:
            continue  # another topic's source
        if not isinstance(partitions, dict):
            raise CheckpointFormatError(f"{name}, line {number}: {topic} is not a partition map")
        for partition, offset in partitions.items():
            p, o = int(partition), int(offset)
            offsets[p] = min(o, offsets.get(p, o))
    return offsets


def _batch_ids(folder: Path) -> list[int]:
    """Batch files are named by their id; Spark writes them through a temporary name, then renames."""
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return []
    return sorted(int(n) for n in names if n.isdigit())


def read_checkpoint(checkpoint: Path, topic: str) -> CheckpointProgress | None:
    """The newest planned and newest committed batch of a checkpoint folder; None when none was planned."""
    planned = _batch_ids(checkpoint / OFFSETS_DIR)
    if not planned:
        return None
    committed_ids = _batch_ids(checkpoint / COMMITS_DIR)
    committed = None
    if committed_ids:
        batch_id = committed_ids[-1]
        commit_file = checkpoint / COMMITS_DIR / str(batch_id)
        offsets_file = checkpoint / OFFSETS_DIR / str(batch_id)
        try:
            text = offsets_file.read_text(encoding="utf-8")
        except FileNotFoundError as err:
            raise CheckpointFormatError(f"{commit_file} exists but {offsets_file} does not") from err
        committed = CommittedBatch(
            batch_id=batch_id,
            committed_at=commit_file.stat().st_mtime,
            offsets=parse_offsets_file(text, topic, name=str(offsets_file)),
        )
    return CheckpointProgress(newest_batch=planned[-1], committed=committed)


def partition_lag(committed: Mapping[int, int], topic: TopicOffsets) -> dict[int, int]:
    """Records per partition between what the stream committed and the topic's end.

    A partition the checkpoint does not know (added later, or never read) counts from its first record;
    records the broker has already deleted are not lag, they can no longer be read.
    """
    lag = {}
    for partition, end in topic.latest.items():
        first = topic.earliest.get(partition, 0)
        read_to = max(committed.get(partition, first), first)
        lag[partition] = max(end - read_to, 0)
    return lag


def judge_local(
    process: StreamProcess,
    progress: CheckpointProgress | None,
    topic: TopicOffsets | None,
    *,
    now: float,
    stall_seconds: float,
) -> Verdict:
    """The local stream's verdict; ``topic`` may be None only when the process is not running."""
    committed = progress.committed if progress else None
    batch_id = committed.batch_id if committed else None
    if not process.running:
        last = f"; last committed batch {batch_id}" if committed else "; no batch committed yet"
        return Verdict(
            Health.NOT_RUNNING, f"the fraud_stream process is not running{last}", batch_id=batch_id
        )
    if topic is None:
        raise ValueError("a running stream is judged against the topic's offsets")

    moments = [
        t for t in (committed.committed_at if committed else None, process.started_at) if t is not None
    ]
    idle = max(now - max(moments), 0.0) if moments else None
    if committed is None:
        running_for = "" if idle is None else f" (running for {idle:.0f} s)"
        if idle is not None and idle <= stall_seconds:
            return Verdict(
                Health.HEALTHY, f"starting: no micro-batch committed yet{running_for}", idle_seconds=idle
            )
        return Verdict(
            Health.STALLED,
            f"no micro-batch committed{running_for}; the stall threshold is {stall_seconds:.0f} s",
            idle_seconds=idle,
        )

    lag_by_partition = partition_lag(committed.offsets, topic)
    lag = sum(lag_by_partition.values())
    facts = {"lag": lag, "lag_by_partition": lag_by_partition, "batch_id": batch_id, "idle_seconds": idle}
    if lag == 0:
        return Verdict(Health.HEALTHY, f"caught up: batch {batch_id} read the topic to its end", **facts)
    assert idle is not None  # a committed batch is a moment
    if idle <= stall_seconds:
        return Verdict(
            Health.HEALTHY,
            f"{lag} records behind, progressing: batch {batch_id} committed {idle:.0f} s ago",
            **facts,
        )
    return Verdict(
        Health.STALLED,
        f"{lag} records behind and no batch committed for {idle:.0f} s (threshold {stall_seconds:.0f} s); "
        f"newest committed batch {batch_id}",
        **facts,
    )


def judge_recovery(
    before_batch: int | None,
    process: StreamProcess,
    progress: CheckpointProgress | None,
    topic: TopicOffsets | None,
    *,
    now: float,
    settle_seconds: float,
) -> Verdict | None:
    """After a restart: HEALTHY once it has shown it works, NOT_RUNNING if it died, None while undecided.

    It works once it commits a batch newer than the last one before the restart. On a topic with nothing
    new to read Spark commits no batch, so there a process that stays up for ``settle_seconds`` (long
    enough to start Spark and its query, which fail fast when they fail) with nothing left to read counts.
    """
    if not process.running:
        return Verdict(Health.NOT_RUNNING, "the fraud_stream process exited after the restart")
    committed = progress.committed if progress else None
    if committed is not None and (before_batch is None or committed.batch_id > before_batch):
        return Verdict(
            Health.HEALTHY, f"restarted: committed batch {committed.batch_id}", batch_id=committed.batch_id
        )
    up_for = now - process.started_at if process.started_at is not None else 0.0
    if committed is not None and topic is not None and up_for >= settle_seconds:
        lag_by_partition = partition_lag(committed.offsets, topic)
        if sum(lag_by_partition.values()) == 0:
            return Verdict(
                Health.HEALTHY,
                f"restarted: up for {up_for:.0f} s with nothing new to read (batch {committed.batch_id})",
                lag=0,
                lag_by_partition=lag_by_partition,
                batch_id=committed.batch_id,
            )
    return None


# --- Databricks: the job's runs ----------------------------------------------------------------------------


@dataclass(frozen=True)
class JobRun:
    run_id: int
    life_cycle_state: str
    result_state: str | None = None
    state_message: str = ""
    start_time: float | None = None  # epoch seconds

    @classmethod
    def from_api(cls, run: Mapping[str, Any]) -> JobRun:
        """A run as the Jobs API's runs/list and runs/get return it."""
        state = run.get("state") or {}
        start_ms = run.get("start_time")
        return cls(
            run_id=int(run["run_id"]),
            life_cycle_state=str(state.get("life_cycle_state", "")),
            result_state=state.get("result_state"),
            state_message=str(state.get("state_message", "")),
            start_time=start_ms / 1000 if start_ms else None,
        )


def judge_databricks(
    job_id: int, runs: Sequence[JobRun], *, paused: bool | None, now: float, stall_seconds: float
) -> Verdict:
    """The Databricks job's verdict from its newest runs (newest first, as runs/list returns them)."""
    pause_note = (
        "; the job's continuous trigger is PAUSED, so Databricks will not start a new run when this one ends"
        if paused
        else ""
    )
    common = {"job_id": job_id, "paused": paused}
    for run in runs:
        if run.life_cycle_state == "RUNNING":
            return Verdict(
                Health.HEALTHY, f"run {run.run_id} is RUNNING{pause_note}", run_id=run.run_id, **common
            )
    for run in runs:
        if run.life_cycle_state in DATABRICKS_STARTING_STATES:
            waited = max(now - run.start_time, 0.0) if run.start_time is not None else 0.0
            state = f"run {run.run_id} has been {run.life_cycle_state} for {waited:.0f} s"
            if waited <= stall_seconds:
                return Verdict(Health.HEALTHY, f"starting: {state}{pause_note}", run_id=run.run_id, **common)
            return Verdict(
                Health.STALLED,
                f"{state} (threshold {stall_seconds:.0f} s){pause_note}",
                run_id=run.run_id,
                idle_seconds=waited,
                **common,
            )
    if runs:
        last = runs[0]
        ended = " ".join(s for s in (last.life_cycle_state, last.result_state) if s)
        message = f": {last.state_message}" if last.state_message else ""
        reason = f"no active run; the latest, {last.run_id}, is {ended}{message}"
    else:
        reason = "the job has never run"
    return Verdict(
        Health.NOT_RUNNING, f"{reason}{pause_note}", run_id=runs[0].run_id if runs else None, **common
    )
