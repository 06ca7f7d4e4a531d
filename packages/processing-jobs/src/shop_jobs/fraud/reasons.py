"""A reason a rule gives for a score, and the few formatting helpers its human text is written with."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# Evidence values are plain JSON values: str, int, float, bool, None, or lists of str.
Evidence = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a rule fired. `code` is the rule id, then the scope for rules that look at one key's history
    ("card_testing.device", "velocity_orders.card"); `text` is for a human and names the numbers and limits;
    `evidence` holds the same numbers as plain values; `weight` is the rule's weight in the rules version used."""

    code: str
    text: str
    evidence: Evidence
    weight: float

    @property
    def rule(self) -> str:
        return self.code.split(".", 1)[0]

    def evidence_json(self) -> str:
        """The evidence as canonical JSON (sorted keys, no spaces): the same text for the same evidence."""
        return json.dumps(self.evidence, sort_keys=True, separators=(",", ":"), allow_nan=False)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "text": self.text, "weight": self.weight, "evidence": dict(self.evidence)}

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> Reason:
        """The inverse of to_dict (a reason that crossed a process boundary as JSON)."""
        return cls(code=values["code"], text=values["text"], evidence=values["evidence"], weight=values["weight"])


def plural(count: int, word: str, words: str | None = None) -> str:
    """'1 order', '3 orders', '2 different cards'."""
    return f"{count} {word if count == 1 else (words or word + 's')}"


def duration(seconds: float) -> str:
    """'8 seconds', '8.5 seconds', '10 minutes', '12 minutes 30 seconds', '2 hours', '1 day 4 hours'."""
    if seconds < 60:
        whole = round(seconds)
        if abs(seconds - whole) < 0.05:
            return plural(whole, "second")
        return f"{seconds:.1f} seconds"
    total = round(seconds)
    if total < 3600:
        minutes, rest = divmod(total, 60)
        return _two(minutes, "minute", rest, "second")
    if total < 86_400:
        hours, rest = divmod(total, 3600)
        return _two(hours, "hour", rest // 60, "minute")
    days, rest = divmod(total, 86_400)
    return _two(days, "day", rest // 3600, "hour")


def _two(big: int, big_word: str, small: int, small_word: str) -> str:
    head = plural(big, big_word)
    return head if small == 0 else f"{head} {plural(small, small_word)}"


def money(amount: float, currency: str | None = None) -> str:
    """'1,500.00 BRL'; without a currency just the number."""
    text = f"{amount:,.2f}"
    return f"{text} {currency}" if currency else text


def percent(ratio: float) -> str:
    return f"{ratio:.0%}"
