"""Data-quality figures of one day of the lake, and the checks on them: pure (DataFrames in, a report out).

Figures: events per hour, the share of event_ids delivered more than once, null rates of the columns a
report needs, the share of events that reached the collector late (received more than `late_after` after
their event time), and sessions that share a session_id. Checks compare them with limits; a failed check
is a reason to stop the DAG run, with the figures in the message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

#: Columns whose nulls break a report: the dedup key, event time, the device (client-side events).
NULL_RATE_COLUMNS = ("event_id", "event_ts", "received_at", "event_type", "anonymous_id")


@dataclass(frozen=True)
class QualityLimits:
    min_events: int = 1
    max_duplicate_share: float = 0.05
    max_late_share: float = 0.2
    late_after_seconds: int = 3600
    # anonymous_id is null on server-side events (orders, payments from the shop's backend), so some is normal.
    max_null_rates: Mapping[str, float] = field(
        default_factory=lambda: {
            "event_id": 0.0,
            "event_ts": 0.0,
            "received_at": 0.0,
            "event_type": 0.0,
            "anonymous_id": 0.5,
        }
    )


def day_figures(events: DataFrame, sessions: DataFrame, late_after_seconds: int) -> dict[str, Any]:
    """events: the day's storage rows (one dt, copies included); sessions: the day's sessions."""
    late = (F.unix_millis("received_at") - F.unix_millis("event_ts")) > F.lit(late_after_seconds * 1000)
    totals = events.agg(
        F.count(F.lit(1)).alias("rows"),
        F.count_distinct("event_id").alias("distinct_events"),
        F.count(F.when(late, True)).alias("late"),
        *(F.count(F.when(F.col(c).isNull(), True)).alias(f"null_{c}") for c in NULL_RATE_COLUMNS),
    ).first()
    rows = int(totals["rows"])
    per_hour = {int(r["hour"]): int(r["n"]) for r in events.groupBy("hour").agg(F.count(F.lit(1)).alias("n")).collect()}
    session_stats = sessions.agg(
        F.count(F.lit(1)).alias("sessions"), F.count_distinct("session_id").alias("distinct")
    ).first()

    def share(n: int) -> float:
        return round(n / rows, 6) if rows else 0.0

    return {
        "rows": rows,
        "distinct_events": int(totals["distinct_events"]),
        "rows_per_hour": {f"{h:02d}": per_hour.get(h, 0) for h in range(24)},
        "duplicate_share": share(rows - int(totals["distinct_events"])),
        "late_share": share(int(totals["late"])),
        "null_rates": {c: share(int(totals[f"null_{c}"])) for c in NULL_RATE_COLUMNS},
        "sessions": int(session_stats["sessions"]),
        "duplicate_session_ids": int(session_stats["sessions"]) - int(session_stats["distinct"]),
    }


def failed_checks(figures: Mapping[str, Any], limits: QualityLimits) -> list[str]:
    """The checks the figures fail, each as a sentence with the numbers; empty when all pass."""
    failed = []
    if figures["rows"] < limits.min_events:
        failed.append(f"{figures['rows']} events in the day, fewer than {limits.min_events}")
    if figures["duplicate_share"] > limits.max_duplicate_share:
        failed.append(f"duplicate share {figures['duplicate_share']:.2%} above {limits.max_duplicate_share:.2%}")
    if figures["late_share"] > limits.max_late_share:
        failed.append(
            f"late share {figures['late_share']:.2%} (received over {limits.late_after_seconds} s after event time) "
            f"above {limits.max_late_share:.2%}"
        )
    for column, rate in figures["null_rates"].items():
        limit = limits.max_null_rates.get(column, 1.0)
        if rate > limit:
            failed.append(f"null rate of {column} {rate:.2%} above {limit:.2%}")
    if figures["duplicate_session_ids"]:
        failed.append(f"{figures['duplicate_session_ids']} session ids appear more than once in the sessions table")
    return failed


def limits_dict(limits: QualityLimits) -> dict[str, Any]:
    return {**asdict(limits), "max_null_rates": dict(limits.max_null_rates)}
