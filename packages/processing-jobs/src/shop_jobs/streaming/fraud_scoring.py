"""The fraud scoring stream: raw Kafka records -> storage rows -> a history per key -> scores -> alerts.

Spark does the plumbing, shop_jobs.fraud (plain Python) does the judging:

1. raw records become storage rows by the contract's mapping (shop_jobs.transforms.collected); records that
   are not rows are counted (observed metric `malformed`) and skipped;
2. duplicates of an event_id are dropped within the watermark on event time;
3. every event is filed under each of its keys (account, device, IP, card); per key, a state function keeps
   the history the rules need (RocksDB state store, pruned by the rules' retention, dropped after a key has
   been quiet for its time-to-live) and, for a scorable event seen for the first time, the reasons that key's
   history before it gives;
4. per micro-batch (foreachBatch), the reasons of a scored event's keys are combined with the rules that need
   no history into one assessment; those at or above the threshold are alerts, written to the alerts topic
   and to the fraud_alerts table.

Alert ids are deterministic (rules version and event id): a batch replayed after a crash raises the same ids,
so the alerts topic and the fraud_alerts table may hold an alert twice after a crash, never two different
alerts for one event; consumers and readers keep one per alert id.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.streaming.state import GroupState, GroupStateTimeout
from pyspark.sql.types import StringType, StructField, StructType, TimestampType

from shop_jobs.fraud import (
    FRAUD_COLUMNS,
    Assessment,
    FraudEvent,
    Reason,
    RulesConfig,
    Scope,
    assess,
    is_scored,
    reasons_for_event,
    reasons_for_scope,
    scope_key,
    ttl_seconds,
    update_history,
)
from shop_jobs.fraud.alerts import alert_record, alert_row
from shop_jobs.lake import frame_of
from shop_jobs.streaming.kafka_io import publish_json, raw_events, scoring_rows

_MS_PER_SECOND = 1000
_TIMESTAMP_COLUMNS = ("event_ts", "received_at", "account_created_at")

#: What the state function keeps per key: the history, as a JSON list of FraudEvent.to_state() tuples.
STATE_SCHEMA = StructType([StructField("history", StringType(), False)])

#: What it emits: one row per scorable event and key, with that key's reasons.
SCOPE_REASONS_SCHEMA = StructType(
    [
        StructField("event_id", StringType(), False),
        StructField("scope", StringType(), False),
        StructField("trigger", StringType(), False),
        StructField("reasons", StringType(), False),
        StructField("event_time", TimestampType(), False),
    ]
)


def _epoch_columns(row: dict[str, Any]) -> dict[str, Any]:
    """The row with its `<time>_ms` columns (epoch ms, see scope_reasons) under the storage names."""
    for name in _TIMESTAMP_COLUMNS:
        row[name] = row.pop(f"{name}_ms")
    return row


_NOT_EVENT_COLUMNS = frozenset({"scope", "key", "event_ts"})  # the group's key, and the watermark's column


def _rows(frame: Any) -> Iterator[dict[str, Any]]:
    """A pandas frame's rows as dicts of plain Python values, without the group key and the watermark column.

    Column by column (`tolist`) rather than `DataFrame.to_dict("records")`: the state function runs once per key
    and batch, and for the one or two rows a key usually gets, pandas' per-call cost is most of the work.
    """
    columns = [c for c in frame.columns if c not in _NOT_EVENT_COLUMNS]
    for values in zip(*(frame[c].tolist() for c in columns), strict=True):
        yield dict(zip(columns, values, strict=True))


def key_state_function(config: RulesConfig) -> Callable[..., Iterator[Any]]:
    """The applyInPandasWithState function for one (scope, key) group (see the module doc, step 3)."""
    skip_non_global = config.keys.skip_non_global_ips

    def on_key(key: tuple[str, str], batches: Iterator[Any], state: GroupState) -> Iterator[Any]:
        import pandas as pd

        if state.hasTimedOut:
            state.remove()
            return
        scope = Scope(key[0])
        history = [FraudEvent.from_state(t) for t in json.loads(state.get[0])] if state.exists else []
        seen = {e.event_id for e in history}
        arrived = [FraudEvent.from_row(_epoch_columns(row)) for frame in batches for row in _rows(frame)]
        arrived.sort(key=lambda e: (e.event_ts, e.event_id))
        out: list[tuple[Any, ...]] = []
        for event in arrived:
            # A key the rules do not use (a private IP, say), or a copy the key already holds.
            if scope_key(event, scope, skip_non_global_ips=skip_non_global) is None or event.event_id in seen:
                continue
            seen.add(event.event_id)
            # A scorable event is judged against what the key held before it, then filed.
            if is_scored(event):
                reasons = reasons_for_scope(event, scope, history, config)
                out.append(
                    (
                        event.event_id,
                        scope.value,
                        json.dumps(event.to_state()),
                        json.dumps([r.to_dict() for r in reasons]),
                        pd.Timestamp(event.event_ts, unit="ms"),
                    )
                )
            history = update_history(history, [event], scope, config)
        if history:
            state.update((json.dumps([e.to_state() for e in history]),))
            state.setTimeoutTimestamp(history[-1].event_ts + ttl_seconds(scope, config) * _MS_PER_SECOND)
        if out:  # most keys score nothing in a batch
            yield pd.DataFrame(out, columns=SCOPE_REASONS_SCHEMA.fieldNames())

    return on_key


def scope_reasons(rows: DataFrame, config: RulesConfig, watermark: str) -> DataFrame:
    """Storage rows (a stream) -> SCOPE_REASONS_SCHEMA rows (steps 2 and 3 of the module doc)."""
    # Times travel as epoch ms (`<name>_ms`): exact, and independent of the session's time zone; event_ts stays
    # a timestamp, the watermark's column.
    plain = [c for c in FRAUD_COLUMNS if c not in _TIMESTAMP_COLUMNS]
    events = (
        rows.withWatermark("event_ts", watermark)
        .dropDuplicatesWithinWatermark(["event_id"])
        .select("event_ts", *plain, *(F.unix_millis(c).alias(f"{c}_ms") for c in _TIMESTAMP_COLUMNS))
    )
    parts = [
        events.where(F.col(scope.column).isNotNull()).select(
            F.lit(scope.value).alias("scope"), F.col(scope.column).alias("key"), *events.columns
        )
        for scope in Scope
    ]
    keyed = parts[0]
    for part in parts[1:]:
        keyed = keyed.unionByName(part)
    return keyed.groupBy("scope", "key").applyInPandasWithState(
        key_state_function(config),
        outputStructType=SCOPE_REASONS_SCHEMA,
        stateStructType=STATE_SCHEMA,
        outputMode="append",
        timeoutConf=GroupStateTimeout.EventTimeTimeout,
    )


def assess_triggers(rows: Iterable[Mapping[str, Any]], config: RulesConfig) -> list[tuple[Assessment, FraudEvent]]:
    """One assessment per scored event from its keys' rows (step 4): pure, in event time order."""
    triggers: dict[str, FraudEvent] = {}
    reasons: dict[str, list[Reason]] = {}
    for row in rows:
        event_id = row["event_id"]
        if event_id not in triggers:
            triggers[event_id] = FraudEvent.from_state(json.loads(row["trigger"]))
            reasons[event_id] = []
        reasons[event_id].extend(Reason.from_dict(r) for r in json.loads(row["reasons"]))
    out = []
    for event_id, trigger in sorted(triggers.items(), key=lambda item: (item[1].event_ts, item[0])):
        gathered = reasons[event_id] + reasons_for_event(trigger, config)
        out.append((assess(trigger, gathered, config), trigger))
    return out


@dataclass(frozen=True)
class AlertSink:
    """Where alerts go: a Kafka topic (record key = alert id) and the fraud_alerts table root."""

    brokers: str
    topic: str
    table_path: str
    table_schema: StructType

    def write(self, spark: SparkSession, records: Sequence[dict[str, Any]]) -> None:
        if not records:
            return
        publish_json(spark, self.brokers, self.topic, ((r["alertId"], r) for r in records))
        table = frame_of(spark, (alert_row(r) for r in records), self.table_schema)
        table.write.mode("append").partitionBy("dt").parquet(self.table_path)


def alert_batch(
    config: RulesConfig, sink: AlertSink, clock: Callable[[], float] = time.time
) -> Callable[[DataFrame, int], None]:
    """The foreachBatch function: assess the batch's scored events, write the alerts."""

    def on_batch(batch: DataFrame, batch_id: int) -> None:
        rows = [row.asDict() for row in batch.collect()]
        now_ms = int(clock() * _MS_PER_SECOND)
        records = [
            alert_record(assessment, trigger, config.alert_threshold, now_ms)
            for assessment, trigger in assess_triggers(rows, config)
            if assessment.alert
        ]
        sink.write(batch.sparkSession, records)

    return on_batch


@dataclass(frozen=True)
class StreamSettings:
    """Where the scoring stream reads, keeps its progress and writes (the job's command line)."""

    brokers: str
    topic: str
    checkpoint: str
    sink: AlertSink
    watermark: str = "10 minutes"
    starting_offsets: str = "latest"
    # Caps a micro-batch (catch-up after downtime in bounded steps). Records are split across partitions by
    # how much each holds, so a cap is only safe on a topic whose partitions hold events in the same time
    # order; otherwise a partition read ahead moves the watermark past another's events, which are dropped.
    max_offsets_per_trigger: int | None = None


def start_scoring(
    spark: SparkSession,
    settings: StreamSettings,
    config: RulesConfig,
    mapping: Sequence[Mapping[str, Any]],
    schema: StructType,
    trigger: Mapping[str, Any],
) -> Any:
    """Starts the scoring query (returns the StreamingQuery); `trigger` as DataStreamWriter.trigger takes it."""
    options = {"startingOffsets": settings.starting_offsets}
    if settings.max_offsets_per_trigger is not None:
        options["maxOffsetsPerTrigger"] = str(settings.max_offsets_per_trigger)
    raw = raw_events(spark, settings.brokers, settings.topic, options)
    reasons = scope_reasons(scoring_rows(raw, mapping, schema), config, settings.watermark)
    return (
        reasons.writeStream.foreachBatch(alert_batch(config, settings.sink))
        .option("checkpointLocation", settings.checkpoint)
        .trigger(**trigger)
        .queryName("fraud-scoring")
        .start()
    )


def observed_totals(progress: Iterable[Any]) -> dict[str, int]:
    """Records read and malformed records skipped, summed over a query's progress reports (step 1's metric)."""
    totals = {"records": 0, "malformed": 0}
    for report in progress:
        row = (getattr(report, "observedMetrics", None) or {}).get("records")
        if row is not None:
            for name in totals:
                totals[name] += int(row[name])
    return totals
