"""From reasons to a score, an alert decision and a deterministic alert id.

The score (0-100) is a noisy-OR of the rules that fired:

    score = 100 * (1 - prod over fired rules r of (1 - w_r)),   w_r = the rule's weight in [0, 1]

where a rule that fired for several keys (card testing from the device and from its IP) counts once, with its
largest weight. Why this formula rather than a capped sum:
- a weight reads as "this rule alone scores 100 * w", so the YAML says directly which rules can alert on their
  own (w >= alert_threshold / 100) and which need company;
- weak, independent signals add up, but with diminishing returns and never past 100, so no cap hides how much
  evidence there was and no single extra weak signal jumps a score from 0 to the threshold;
- one behaviour seen from several keys is one piece of evidence, not three (a capped sum of per-key reasons
  would triple-count a card-testing burst seen from its device, IP and account);
- it is order-independent and adding a reason never lowers the score.
The score is rounded to one decimal, and the alert decision (score >= alert_threshold) is made on the rounded
value, so what an alert shows is what was compared.

An alert id is the first 32 hex digits of sha256("<rules version>|<triggering event_id>"): a replay after a crash
scores the same event with the same rules and gets the same id, so consumers can drop the repeat; a new rules
version is a new decision and gets a new id.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from shop_jobs.fraud.config import RulesConfig
from shop_jobs.fraud.events import FraudEvent, Scope
from shop_jobs.fraud.reasons import Reason
from shop_jobs.fraud.rules import reasons_for_event, reasons_for_scope


def alert_id(rules_version: str, event_id: str) -> str:
    """First 32 hex digits of sha256("<rules_version>|<event_id>")."""
    return hashlib.sha256(f"{rules_version}|{event_id}".encode()).hexdigest()[:32]


def combine(reasons: Iterable[Reason]) -> float:
    """The score of a set of reasons: 100 * (1 - prod(1 - w)) over rules, each rule once with its largest weight;
    rounded to one decimal."""
    strongest: dict[str, float] = {}
    for reason in reasons:
        rule = reason.rule
        strongest[rule] = max(strongest.get(rule, 0.0), reason.weight)
    remaining = 1.0
    for rule in sorted(strongest):
        remaining *= 1.0 - strongest[rule]
    return round(100.0 * (1.0 - remaining), 1)


@dataclass(frozen=True, slots=True)
class Assessment:
    """The score of one triggering event, with everything an alert record needs but the alert time."""

    alert_id: str
    event_id: str
    event_name: str | None
    event_ts: int
    order_id: str | None
    checkout_id: str | None
    user_id: str | None
    anonymous_id: str | None
    score: float
    alert: bool
    rule_version: str
    reasons: tuple[Reason, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "alert_id": self.alert_id,
            "event_id": self.event_id,
            "event_name": self.event_name,
            "event_ts": self.event_ts,
            "order_id": self.order_id,
            "checkout_id": self.checkout_id,
            "user_id": self.user_id,
            "anonymous_id": self.anonymous_id,
            "score": self.score,
            "alert": self.alert,
            "rule_version": self.rule_version,
            "reasons": [r.to_dict() for r in self.reasons],
        }


def assess(trigger: FraudEvent, reasons: Iterable[Reason], config: RulesConfig) -> Assessment:
    """Score the reasons gathered for a trigger (from one call or from several keys' evaluations, in any order).

    Reasons are sorted by code and a code seen twice is kept once (the first by text), so the result does not
    depend on the order the keys were evaluated in.
    """
    unique: dict[str, Reason] = {}
    for reason in sorted(reasons, key=lambda r: (r.code, r.text)):
        unique.setdefault(reason.code, reason)
    kept = tuple(unique.values())
    score = combine(kept)
    return Assessment(
        alert_id=alert_id(config.version, trigger.event_id),
        event_id=trigger.event_id,
        event_name=trigger.event_name,
        event_ts=trigger.event_ts,
        order_id=trigger.order_id,
        checkout_id=trigger.checkout_id,
        user_id=trigger.user_id,
        anonymous_id=trigger.anonymous_id,
        score=score,
        alert=score >= config.alert_threshold,
        rule_version=config.version,
        reasons=kept,
    )


def score_event(
    trigger: FraudEvent, histories: Mapping[Scope, Sequence[FraudEvent]], config: RulesConfig
) -> Assessment:
    """Score one event against the histories of its keys (a missing scope is an empty history).

    The one call for a job that has all four histories at hand; a job that keeps each key in its own stateful
    operator calls rules.reasons_for_scope per key, rules.reasons_for_event once, and `assess` on the union.
    """
    reasons = reasons_for_event(trigger, config)
    for scope in Scope:
        reasons.extend(reasons_for_scope(trigger, scope, histories.get(scope, ()), config))
    return assess(trigger, reasons, config)
