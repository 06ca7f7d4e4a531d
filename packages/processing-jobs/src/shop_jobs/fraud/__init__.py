"""Real-time fraud scoring, the Spark-free core: rules config, event view, features, rules, score, history.

Plain Python (no pyspark), so the streaming job can call it from a pandas/Arrow state function and the unit
tests run without Spark. What the job calls, per micro-batch and key:

    config = load_rules(path_or_None)                       # once, at start; RulesConfigError lists every fault
    event = FraudEvent.from_row(row)                          # a storage row (dict); or FraudEvent.from_state(t)
    keys = keys_of(event, config)                             # {Scope: key}: file the event under each key
    history = update_history(history, [event], scope, config) # per key: dedupe, sort, prune (state stays small)
    if is_scored(event):
        assessment = score_event(event, {scope: history, ...}, config)
        if assessment.alert: ...                              # assessment.alert_id is deterministic

See the "Fraud scoring" section of the package README for the rules, their reason codes and how to tune them.
"""

from __future__ import annotations

from shop_jobs.fraud.config import RulesConfig, RulesConfigError, load_rules, parse_rules
from shop_jobs.fraud.events import (
    FRAUD_COLUMNS,
    STATE_FIELD_TYPES,
    STATE_FIELDS,
    FraudEvent,
    Scope,
    is_scored,
    scope_key,
)
from shop_jobs.fraud.history import keys_of, prune_history, ttl_seconds, update_history
from shop_jobs.fraud.reasons import Reason
from shop_jobs.fraud.rules import reasons_for_event, reasons_for_scope
from shop_jobs.fraud.score import Assessment, alert_id, assess, combine, score_event

__all__ = [
    "FRAUD_COLUMNS",
    "STATE_FIELDS",
    "STATE_FIELD_TYPES",
    "Assessment",
    "FraudEvent",
    "Reason",
    "RulesConfig",
    "RulesConfigError",
    "Scope",
    "alert_id",
    "assess",
    "combine",
    "is_scored",
    "keys_of",
    "load_rules",
    "parse_rules",
    "prune_history",
    "reasons_for_event",
    "reasons_for_scope",
    "scope_key",
    "score_event",
    "ttl_seconds",
    "update_history",
]
