"""Sessions within minutes: the lake's event files in, closed sessions out, by the batch job's rule.

The batch job (shop_jobs.jobs.sessionize_batch) sees a whole day at once. This stream sees the sink's files as
they land and keeps, per anonymous_id, the events of its open sessions in state (applyInPandasWithState,
RocksDB). A session is emitted once the watermark says no event can still change it, and the emitted events go
through the same summarize_sessions as the batch job's, so both give the same rows for the same events.

The rule, on the events of one anonymous_id sorted by (event_ts, event_id), each event_id once:
- a chain is a run of events no two consecutive of which are more than the gap apart (the batch job's session);
- a chain that starts on UTC day D is the session of D, cut at the end of the window the batch job reads for D
  (D + 1 day + lookahead, shop_jobs.lake.DayWindow): its events from there on belong to no session, as in batch;
- a session is final once the watermark reaches its last event plus the gap (nothing can join it any more) or
  the end of its day's window (nothing can change it any more); the stream then emits it.

The watermark trails the newest event time seen by a delay (the job's --watermark). An event that arrives
later than that (older than the watermark) is not in the stream's sessions; the lake has it, and the next
batch run of its day (shop_jobs.jobs.sessionize_batch, started by the daily or hourly DAG) puts it in.

Duplicates: of the copies of an event_id the state sees, the one first by the contract's dedup order over the
columns the session reads wins (received_at first), as the batch job's dedupe_events keeps the first by every
column: the two differ only for copies received in the same millisecond that differ in a column the session
does not read before one it does.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.streaming.state import GroupState, GroupStateTimeout
from pyspark.sql.types import LongType, StringType, StructField, StructType

from shop_jobs.contract import DEDUP_ORDER
from shop_jobs.lake import append_new, known_visitors
from shop_jobs.schema import load_event_schema, load_sessions_schema
from shop_jobs.transforms.sessions import SESSION_EVENT_COLUMNS, SESSION_KEY, mark_new_visitors, summarize_sessions

_MS_PER_MINUTE = 60_000
_MS_PER_HOUR = 60 * _MS_PER_MINUTE
_MS_PER_DAY = 24 * _MS_PER_HOUR

#: What the state keeps per anonymous_id: {"events": [[column values...]], "cut": [chain ends]} as JSON.
STATE_SCHEMA = StructType([StructField("open", StringType(), False)])

# The columns the state keeps of an event: the session's own, event times as epoch ms, received_at for dedup.
_KEPT = tuple(c for c in SESSION_EVENT_COLUMNS if c not in ("anonymous_id", "event_ts"))
_TIMES = {"event_ts": "event_ts_ms", "received_at": "received_at_ms"}
# The dedup order over the kept columns (see the module doc); times as the state keeps them.
_RANK = tuple(_TIMES.get(c, c) for c in DEDUP_ORDER if c in _KEPT or c in _TIMES)


@dataclass(frozen=True)
class SessionRule:
    gap_minutes: int
    lookahead_hours: int

    @property
    def gap_ms(self) -> int:
        return self.gap_minutes * _MS_PER_MINUTE

    def window_end_ms(self, start_ms: int) -> int:
        """End of the window the batch job reads for the day a session starting at start_ms starts on."""
        day_start = start_ms - start_ms % _MS_PER_DAY
        return day_start + _MS_PER_DAY + self.lookahead_hours * _MS_PER_HOUR


def _rank(event: dict[str, Any]) -> tuple[Any, ...]:
    """Sort key of a copy: received_at, then the kept columns in the dedup order, each ascending, nulls last."""
    return tuple((value is None, value) for value in (event.get(c) for c in _RANK))


def _chains(times: Sequence[tuple[int, int]], gap_ms: int) -> list[list[int]]:
    """Indexes of `times` ((event_ts ms, position), sorted) grouped into chains by the gap rule."""
    chains: list[list[int]] = []
    last = None
    for ts, index in times:
        if last is None or ts - last > gap_ms:
            chains.append([])
        chains[-1].append(index)
        last = ts
    return chains


def close_sessions(
    events: list[dict[str, Any]], cuts: list[int], watermark_ms: int, rule: SessionRule
) -> tuple[list[list[dict[str, Any]]], list[dict[str, Any]], list[int], int | None]:
    """One anonymous_id's open events and cut chain ends at a watermark -> (sessions to emit, each its events;
    events still open; cut chain ends still open; the watermark at which to look again, or None).

    Pure: the state function's whole logic (module doc). `events` hold one copy per event_id; a cut chain end is
    the last event time of a chain whose session was emitted at its day's window end while the chain went on.
    """
    items = sorted(
        [(e["event_ts_ms"], e["event_id"], i) for i, e in enumerate(events)]
        + [(t, "", -1 - j) for j, t in enumerate(cuts)]
    )
    emitted: list[list[dict[str, Any]]] = []
    still_open: list[dict[str, Any]] = []
    still_cut: list[int] = []
    wake: list[int] = []
    for chain in _chains([(ts, index) for ts, _, index in items], rule.gap_ms):
        times = [events[i]["event_ts_ms"] if i >= 0 else cuts[-1 - i] for i in chain]
        last = max(times)
        closed = watermark_ms >= last + rule.gap_ms
        if any(i < 0 for i in chain):
            # The continuation of a session already emitted: in no session, as in batch.
            if not closed:
                still_cut.append(last)
                wake.append(last + rule.gap_ms)
            continue
        members = [events[i] for i in chain]
        window_end = rule.window_end_ms(members[0]["event_ts_ms"])
        if closed or watermark_ms >= window_end:
            emitted.append([e for e in members if e["event_ts_ms"] < window_end])
            if not closed:
                still_cut.append(last)
                wake.append(last + rule.gap_ms)
        else:
            still_open.extend(members)
            wake.append(min(last + rule.gap_ms, window_end))
    return emitted, still_open, still_cut, min(wake) if wake else None


def merge_copies(held: list[dict[str, Any]], arrived: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """held plus arrived, one copy per event_id: the first by _rank."""
    by_id = {e["event_id"]: e for e in held}
    for event in arrived:
        current = by_id.get(event["event_id"])
        if current is None or _rank(event) < _rank(current):
            by_id[event["event_id"]] = event
    return list(by_id.values())


def output_schema(events_schema: StructType) -> StructType:
    """What the state function emits: the session columns of the events schema, and SESSION_KEY."""
    by_name = {f.name: f for f in events_schema.fields}
    fields = [by_name[c] for c in SESSION_EVENT_COLUMNS]
    return StructType([*fields, StructField(SESSION_KEY, LongType(), False)])


def session_state_function(rule: SessionRule, out_columns: Sequence[str]) -> Callable[..., Iterator[Any]]:
    """The applyInPandasWithState function for one anonymous_id (see close_sessions)."""

    def on_visitor(key: tuple[str], batches: Iterator[Any], state: GroupState) -> Iterator[Any]:
        import pandas as pd

        watermark_ms = int(state.getCurrentWatermarkMs())
        held = json.loads(state.get[0]) if state.exists else {"events": [], "cut": []}
        events = [dict(zip(("event_ts_ms", "received_at_ms", *_KEPT), e, strict=True)) for e in held["events"]]
        arrived = []
        if not state.hasTimedOut:
            for frame in batches:
                columns = ["event_ts_ms", "received_at_ms", *_KEPT]
                for values in zip(*(frame[c].tolist() for c in columns), strict=True):
                    event = {c: (None if _is_missing(v) else v) for c, v in zip(columns, values, strict=True)}
                    # Older than the watermark: late for the stream (the module doc says where it goes).
                    if event["event_ts_ms"] > watermark_ms:
                        arrived.append(event)
        emitted, still_open, cuts, wake = close_sessions(merge_copies(events, arrived), held["cut"], watermark_ms, rule)
        if still_open or cuts:
            state.update(
                (
                    json.dumps(
                        {
                            "events": [[e[c] for c in ("event_ts_ms", "received_at_ms", *_KEPT)] for e in still_open],
                            "cut": cuts,
                        },
                        separators=(",", ":"),
                    ),
                )
            )
            state.setTimeoutTimestamp(wake)
        else:
            state.remove()
        rows = []
        for session in emitted:
            session_key = session[0]["event_ts_ms"]
            for e in session:
                row = {c: e.get(c) for c in _KEPT}
                row.update(anonymous_id=key[0], event_ts=pd.Timestamp(e["event_ts_ms"], unit="ms"))
                row[SESSION_KEY] = session_key
                rows.append([row[c] for c in out_columns])
        if rows:
            yield pd.DataFrame(rows, columns=list(out_columns))

    return on_visitor


def _is_missing(value: Any) -> bool:
    # pandas hands nulls of numeric columns over as NaN.
    return value is None or (isinstance(value, float) and value != value)


def session_events(events: DataFrame, events_schema: StructType, rule: SessionRule, watermark: str) -> DataFrame:
    """A stream of storage rows -> the events of closed sessions (output_schema), ready for summarize_sessions."""
    plain = [c for c in _KEPT if c != "revenue"]
    keyed = events.where(F.col("anonymous_id").isNotNull()).withWatermark("event_ts", watermark)
    prepared = keyed.select(
        "anonymous_id",
        "event_ts",
        F.unix_millis("event_ts").alias("event_ts_ms"),
        F.unix_millis("received_at").alias("received_at_ms"),
        *plain,
        "revenue",
    )
    schema = output_schema(events_schema)
    return prepared.groupBy("anonymous_id").applyInPandasWithState(
        session_state_function(rule, schema.fieldNames()),
        outputStructType=schema,
        stateStructType=STATE_SCHEMA,
        outputMode="append",
        timeoutConf=GroupStateTimeout.EventTimeTimeout,
    )


def lake_event_files(spark: SparkSession, events_root: str, schema: StructType, source: str, options: dict[str, str]):
    """The events table's files as a stream of storage rows (with dt and hour): Spark's file source, or Auto
    Loader (`cloudFiles`) on Databricks, which finds new files without listing the whole table every time."""
    if source == "autoloader":
        reader = (
            spark.readStream.format("cloudFiles")
            .option("cloudFiles.format", "parquet")
            .option("cloudFiles.partitionColumns", "dt,hour")
        )
    elif source == "files":
        reader = spark.readStream.format("parquet")
    else:
        raise ValueError(f"unknown source {source!r} (files or autoloader)")
    for name, value in options.items():
        reader = reader.option(name, value)
    return reader.schema(schema).load(events_root.rstrip("/"))


@dataclass(frozen=True)
class SessionsSink:
    """Where closed sessions go: the sessions table (and the users table, read for is_new_visitor)."""

    sessions_path: str
    users_path: str | None
    schema_dir: str | None = None

    def batch_writer(self) -> Callable[[DataFrame, int], None]:
        """The foreachBatch function: summarize the batch's closed sessions as the batch job does, and append
        those the table does not hold yet (a replayed batch adds nothing)."""

        def on_batch(batch: DataFrame, batch_id: int) -> None:
            spark = batch.sparkSession
            sessions = summarize_sessions(batch).cache()
            try:
                days = [date.fromisoformat(r["dt"]) for r in sessions.select("dt").distinct().collect()]
                if not days:
                    return
                known = known_visitors(spark, self.users_path, self.sessions_path, days, self.schema_dir)
                marked = mark_new_visitors(sessions, known)
                append_new(marked, self.sessions_path, load_sessions_schema(self.schema_dir), ["session_id"])
            finally:
                sessions.unpersist()

        return on_batch


@dataclass(frozen=True)
class SessionsStreamSettings:
    events_path: str
    checkpoint: str
    sink: SessionsSink
    rule: SessionRule
    watermark: str = "3 minutes"
    source: str = "files"
    max_files_per_trigger: int | None = None


def start_sessions(spark: SparkSession, settings: SessionsStreamSettings, trigger: dict[str, Any]) -> Any:
    """Starts the sessions query (returns the StreamingQuery); `trigger` as DataStreamWriter.trigger takes it."""
    schema = load_event_schema(settings.sink.schema_dir)
    options = {}
    if settings.max_files_per_trigger is not None:
        key = "cloudFiles.maxFilesPerTrigger" if settings.source == "autoloader" else "maxFilesPerTrigger"
        options[key] = str(settings.max_files_per_trigger)
    events = lake_event_files(spark, settings.events_path, schema.full, settings.source, options)
    closed = session_events(events, schema.data, settings.rule, settings.watermark)
    return (
        closed.writeStream.foreachBatch(settings.sink.batch_writer())
        .option("checkpointLocation", settings.checkpoint)
        .trigger(**trigger)
        .queryName("sessions")
        .start()
    )
