"""The fraud rules' settings: a versioned YAML file, read and checked once into frozen dataclasses.

Every threshold, window and weight lives in the file; the code has none of its own. The package ships the
default (`shop_jobs/fraud/rulesets/default.yaml`); a job can load another file by path. Loading checks the
whole file and raises one `RulesConfigError` that lists every problem (a typo'd key, a weight above 1, a window
longer than the history keeps, ...), so a bad file fails at start with all its faults at once, never halfway
through a stream. The README's "Fraud scoring" section describes each setting.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

import yaml

from shop_jobs.fraud.events import Scope

DEFAULT_RULESET = "default.yaml"
GEO_FIELDS = ("billing_country", "shipping_country", "card_country")


class RulesConfigError(ValueError):
    """The rules file is unreadable or invalid; `problems` lists every fault found, each with its key path."""

    code = "FRAUD_RULES_INVALID"

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = tuple(problems)
        listing = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"invalid fraud rules in {source} ({len(problems)} problem(s)):\n{listing}")


@dataclass(frozen=True)
class HistorySettings:
    """What the streaming job keeps per key (see shop_jobs.fraud.history)."""

    retention_seconds: int
    max_events: int
    profile_retention_seconds: int
    max_profile_events: int
    session_gap_seconds: int


@dataclass(frozen=True)
class KeySettings:
    skip_non_global_ips: bool


@dataclass(frozen=True)
class CardTestingLimits:
    """One scope's limits: any one reached fires; None means the limit does not apply to that scope."""

    min_attempts: int | None
    min_distinct_cards: int | None
    min_distinct_bins: int | None
    min_declines: int | None
    min_decline_ratio: float | None  # set exactly when min_declines is

    def configured(self) -> dict[str, int | float]:
        """The limits that apply, by name."""
        return {name: value for name in _CARD_TESTING_LIMITS if (value := getattr(self, name)) is not None}


@dataclass(frozen=True)
class CardTesting:
    enabled: bool
    weight: float
    window_seconds: int
    limits: Mapping[Scope, CardTestingLimits]


@dataclass(frozen=True)
class ScopeLimit:
    window_seconds: int
    limit: float


@dataclass(frozen=True)
class Velocity:
    """velocity_orders (limit: orders) and velocity_amount (limit: money), per scope."""

    enabled: bool
    weight: float
    limits: Mapping[Scope, ScopeLimit]


@dataclass(frozen=True)
class Takeover:
    """One account-takeover signal followed by a high-value order. min_prior_events is 0 for the signals that do
    not ask whether something is new to the account (password reset, address change)."""

    enabled: bool
    weight: float
    window_seconds: int
    min_order_amount: float
    min_prior_events: int


@dataclass(frozen=True)
class AmountAnomaly:
    enabled: bool
    weight: float
    lookback_seconds: int
    min_prior_orders: int
    min_robust_z: float
    min_ratio_to_median: float
    mad_floor_ratio: float


@dataclass(frozen=True)
class NewAccountOrder:
    enabled: bool
    weight: float
    max_account_age_seconds: int
    min_order_amount: float


@dataclass(frozen=True)
class GeoMismatch:
    enabled: bool
    weight: float
    fields: tuple[str, ...]
    min_mismatches: int


@dataclass(frozen=True)
class ImpossibleTravel:
    enabled: bool
    weight: float
    scopes: tuple[Scope, ...]
    min_travel_seconds: int


@dataclass(frozen=True)
class BotUserAgent:
    enabled: bool
    weight: float


@dataclass(frozen=True)
class BotFastCheckout:
    enabled: bool
    weight: float
    min_session_seconds: int
    min_prior_events: int


@dataclass(frozen=True)
class BotNoProductViews:
    enabled: bool
    weight: float
    lookback_seconds: int
    min_prior_events: int


@dataclass(frozen=True)
class RuleSettings:
    """One attribute per rule; the attribute name is the rule's id and the prefix of its reason codes."""

    card_testing: CardTesting
    velocity_orders: Velocity
    velocity_amount: Velocity
    takeover_new_device: Takeover
    takeover_new_country: Takeover
    takeover_password_reset: Takeover
    takeover_address_change: Takeover
    amount_anomaly: AmountAnomaly
    new_account_order: NewAccountOrder
    geo_mismatch: GeoMismatch
    impossible_travel: ImpossibleTravel
    bot_user_agent: BotUserAgent
    bot_fast_checkout: BotFastCheckout
    bot_no_product_views: BotNoProductViews


@dataclass(frozen=True)
class RulesConfig:
    version: str
    alert_threshold: float
    history: HistorySettings
    keys: KeySettings
    rules: RuleSettings
    source: str

    def weight(self, rule: str) -> float:
        return getattr(self.rules, rule).weight


RULE_IDS: tuple[str, ...] = tuple(RuleSettings.__dataclass_fields__)


def load_rules(path: str | os.PathLike[str] | None = None) -> RulesConfig:
    """The rules from a YAML file, or the packaged default when path is None. Raises RulesConfigError."""
    if path is None:
        ruleset = resources.files("shop_jobs.fraud").joinpath("rulesets", DEFAULT_RULESET)
        return parse_rules(ruleset.read_text(encoding="utf-8"), source=f"shop_jobs/fraud/rulesets/{DEFAULT_RULESET}")
    source = os.fspath(path)
    try:
        text = Path(source).read_text(encoding="utf-8")
    except OSError as error:
        raise RulesConfigError(source, [f"cannot read the file: {error}"]) from error
    return parse_rules(text, source=source)


def parse_rules(text: str, source: str = "<string>") -> RulesConfig:
    """The rules from YAML text. Raises RulesConfigError."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise RulesConfigError(source, [f"not valid YAML: {error}"]) from error
    return rules_from_mapping(data, source)


def rules_from_mapping(data: Any, source: str = "<mapping>") -> RulesConfig:
    """The rules from an already parsed document. Raises RulesConfigError listing every problem."""
    problems: list[str] = []
    if not isinstance(data, Mapping):
        raise RulesConfigError(source, [f"the document must be a mapping, got {_kind(data)}"])
    top = _Section(data, "", problems)
    version = top.text("version")
    threshold = top.number("alert_threshold", low=0, high=100)
    history_section = top.section("history")
    history = HistorySettings(
        retention_seconds=history_section.seconds("retention_seconds"),
        max_events=history_section.integer("max_events", low=1),
        profile_retention_seconds=history_section.seconds("profile_retention_seconds"),
        max_profile_events=history_section.integer("max_profile_events", low=0),
        session_gap_seconds=history_section.seconds("session_gap_seconds"),
    )
    history_section.finish()
    keys_section = top.section("keys")
    keys = KeySettings(skip_non_global_ips=keys_section.flag("skip_non_global_ips"))
    keys_section.finish()
    rules_section = top.section("rules")
    rules = RuleSettings(**{rule: rules_section.rule(rule, _READERS[rule]) for rule in RULE_IDS})
    rules_section.finish()
    top.finish()
    if not problems:
        _check_windows_fit_history(history, rules, problems)
    if problems:
        raise RulesConfigError(source, problems)
    return RulesConfig(
        version=version, alert_threshold=threshold, history=history, keys=keys, rules=rules, source=source
    )


def _check_windows_fit_history(history: HistorySettings, rules: RuleSettings, problems: list[str]) -> None:
    """A window longer than the history keeps would silently see fewer events than it says."""
    short: list[tuple[str, int]] = [
        ("rules.card_testing.window_seconds", rules.card_testing.window_seconds),
        ("rules.impossible_travel.min_travel_seconds", rules.impossible_travel.min_travel_seconds),
        ("rules.bot_no_product_views.lookback_seconds", rules.bot_no_product_views.lookback_seconds),
        ("history.session_gap_seconds", history.session_gap_seconds),
    ]
    for rule in ("takeover_new_device", "takeover_new_country", "takeover_password_reset", "takeover_address_change"):
        short.append((f"rules.{rule}.window_seconds", getattr(rules, rule).window_seconds))
    for rule in ("velocity_orders", "velocity_amount"):
        for scope, limit in getattr(rules, rule).limits.items():
            short.append((f"rules.{rule}.scopes.{scope}.window_seconds", limit.window_seconds))
    for path, seconds in short:
        if seconds > history.retention_seconds:
            problems.append(f"{path}: {seconds} is longer than history.retention_seconds ({history.retention_seconds})")
    long: list[tuple[str, int]] = [
        ("rules.amount_anomaly.lookback_seconds", rules.amount_anomaly.lookback_seconds),
        ("rules.new_account_order.max_account_age_seconds", rules.new_account_order.max_account_age_seconds),
        ("history.retention_seconds", history.retention_seconds),
    ]
    for path, seconds in long:
        if seconds > history.profile_retention_seconds:
            problems.append(
                f"{path}: {seconds} is longer than history.profile_retention_seconds "
                f"({history.profile_retention_seconds})"
            )


T = TypeVar("T")
_MISSING = object()


class _Section:
    """Reads one mapping of the document, recording problems (with their key paths) instead of raising."""

    def __init__(self, data: Mapping[str, Any], path: str, problems: list[str], *, valid: bool = True) -> None:
        self._data = data
        self._path = path
        self._problems = problems
        self._read: set[str] = set()
        # False when the section itself was missing or not a mapping (already reported by its parent).
        self.valid = valid

    def has(self, key: str) -> bool:
        return key in self._data

    def problem(self, key: str, message: str) -> None:
        self._problems.append(f"{self._where(key)}: {message}")

    def _where(self, key: str) -> str:
        return f"{self._path}.{key}" if self._path else key

    def _value(self, key: str) -> Any:
        self._read.add(key)
        value = self._data.get(key, _MISSING)
        if value is _MISSING:
            self._problems.append(f"{self._where(key)}: missing")
        return value

    def _bad(self, key: str, expected: str, value: Any) -> None:
        self._problems.append(f"{self._where(key)}: must be {expected}, got {value!r}")

    def text(self, key: str) -> str:
        value = self._value(key)
        if value is _MISSING:
            return ""
        if not isinstance(value, str) or not value.strip():
            self._bad(key, "a non-empty string (quote it in YAML)", value)
            return ""
        return value

    def flag(self, key: str) -> bool:
        value = self._value(key)
        if value is _MISSING:
            return False
        if not isinstance(value, bool):
            self._bad(key, "true or false", value)
            return False
        return value

    def integer(self, key: str, *, low: int, high: int | None = None) -> int:
        value = self._value(key)
        if value is _MISSING:
            return low
        if isinstance(value, bool) or not isinstance(value, int) or value < low or (high is not None and value > high):
            span = f"an integer >= {low}" if high is None else f"an integer from {low} to {high}"
            self._bad(key, span, value)
            return low
        return value

    def seconds(self, key: str) -> int:
        return self.integer(key, low=1)

    def number(
        self, key: str, *, low: float, high: float | None = None, low_open: bool = False, high_open: bool = False
    ) -> float:
        value = self._value(key)
        if value is _MISSING:
            return float(low)
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if ok:
            ok = (value > low if low_open else value >= low) and (
                high is None or (value < high if high_open else value <= high)
            )
        if not ok:
            left = "(" if low_open else "["
            right = "inf)" if high is None else (f"{high})" if high_open else f"{high}]")
            self._bad(key, f"a number in {left}{low}, {right}", value)
            return float(low)
        return float(value)

    def weight(self) -> float:
        return self.number("weight", low=0, high=1)

    def scopes(self, key: str, allowed: tuple[Scope, ...]) -> tuple[Scope, ...]:
        return tuple(Scope(v) for v in self.choices(key, tuple(s.value for s in allowed)))

    def choices(self, key: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
        """A non-empty list of distinct values out of allowed."""
        value = self._value(key)
        if value is _MISSING:
            return ()
        ok = isinstance(value, list) and value and all(isinstance(v, str) and v in allowed for v in value)
        if not ok or len(set(value)) < len(value):
            self._bad(key, f"a non-empty list of distinct values out of {list(allowed)}", value)
            return ()
        return tuple(value)

    def section(self, key: str) -> _Section:
        value = self._value(key)
        if value is _MISSING:
            return _Section({}, self._where(key), [], valid=False)  # already reported; its own misses are not
        if not isinstance(value, Mapping):
            self._bad(key, "a mapping", value)
            return _Section({}, self._where(key), [], valid=False)
        return _Section(value, self._where(key), self._problems)

    def rule(self, key: str, reader: Callable[[_Section], T]) -> T:
        section = self.section(key)
        result = reader(section)
        section.finish()
        return result

    def fault(self, message: str) -> None:
        """A problem with the section as a whole."""
        self._problems.append(f"{self._path}: {message}")

    def finish(self) -> None:
        """Report keys nobody read: a misspelt setting must not silently keep its default."""
        for key in self._data:
            if key not in self._read:
                self._problems.append(f"{self._where(str(key))}: unknown setting")


_TRIGGER_SCOPES = (Scope.DEVICE, Scope.IP, Scope.ACCOUNT, Scope.CARD)
_TRAVEL_SCOPES = (Scope.ACCOUNT, Scope.DEVICE)


_CARD_TESTING_LIMITS = tuple(CardTestingLimits.__dataclass_fields__)


def _per_scope(s: _Section, allowed: Sequence[Scope], read: Callable[[_Section], T]) -> Mapping[Scope, T]:
    """A rule's `scopes` mapping: each scope named there read by `read`; at least one must be named."""
    scopes = s.section("scopes")
    out: dict[Scope, T] = {}
    for scope in allowed:
        if scopes.has(scope.value):
            section = scopes.section(scope.value)
            out[scope] = read(section)
            section.finish()
    if scopes.valid and not out:
        s.problem("scopes", f"must name at least one of {[x.value for x in allowed]}")
    scopes.finish()
    return MappingProxyType(out)


def _card_testing(s: _Section) -> CardTesting:
    return CardTesting(
        enabled=s.flag("enabled"),
        weight=s.weight(),
        window_seconds=s.seconds("window_seconds"),
        limits=_per_scope(s, _TRIGGER_SCOPES, _card_testing_limits),
    )


def _card_testing_limits(s: _Section) -> CardTestingLimits:
    def optional_count(key: str, low: int) -> int | None:
        return s.integer(key, low=low) if s.has(key) else None

    limits = CardTestingLimits(
        min_attempts=optional_count("min_attempts", 2),
        min_distinct_cards=optional_count("min_distinct_cards", 2),
        min_distinct_bins=optional_count("min_distinct_bins", 2),
        min_declines=optional_count("min_declines", 1),
        min_decline_ratio=(
            s.number("min_decline_ratio", low=0, high=1, low_open=True) if s.has("min_decline_ratio") else None
        ),
    )
    if s.valid and not limits.configured():
        s.fault(f"set at least one limit out of {list(_CARD_TESTING_LIMITS)}")
    if s.has("min_declines") != s.has("min_decline_ratio"):
        s.problem("min_declines", "min_declines and min_decline_ratio go together: set both or neither")
    return limits


def _velocity(limit_key: str, integral: bool) -> Callable[[_Section], Velocity]:
    def limit_of(s: _Section) -> ScopeLimit:
        window = s.seconds("window_seconds")
        limit = float(s.integer(limit_key, low=1)) if integral else s.number(limit_key, low=0, low_open=True)
        return ScopeLimit(window_seconds=window, limit=limit)

    def read(s: _Section) -> Velocity:
        return Velocity(enabled=s.flag("enabled"), weight=s.weight(), limits=_per_scope(s, tuple(Scope), limit_of))

    return read


def _takeover(asks_what_is_new: bool) -> Callable[[_Section], Takeover]:
    def read(s: _Section) -> Takeover:
        return Takeover(
            enabled=s.flag("enabled"),
            weight=s.weight(),
            window_seconds=s.seconds("window_seconds"),
            min_order_amount=s.number("min_order_amount", low=0),
            min_prior_events=s.integer("min_prior_events", low=1) if asks_what_is_new else 0,
        )

    return read


def _amount_anomaly(s: _Section) -> AmountAnomaly:
    return AmountAnomaly(
        enabled=s.flag("enabled"),
        weight=s.weight(),
        lookback_seconds=s.seconds("lookback_seconds"),
        min_prior_orders=s.integer("min_prior_orders", low=3),
        min_robust_z=s.number("min_robust_z", low=0, low_open=True),
        min_ratio_to_median=s.number("min_ratio_to_median", low=1),
        mad_floor_ratio=s.number("mad_floor_ratio", low=0, low_open=True),
    )


def _new_account_order(s: _Section) -> NewAccountOrder:
    return NewAccountOrder(
        enabled=s.flag("enabled"),
        weight=s.weight(),
        max_account_age_seconds=s.seconds("max_account_age_seconds"),
        min_order_amount=s.number("min_order_amount", low=0),
    )


def _geo_mismatch(s: _Section) -> GeoMismatch:
    geo_fields = s.choices("fields", GEO_FIELDS)
    minimum = s.integer("min_mismatches", low=1, high=max(len(geo_fields), 1))
    return GeoMismatch(enabled=s.flag("enabled"), weight=s.weight(), fields=geo_fields, min_mismatches=minimum)


def _impossible_travel(s: _Section) -> ImpossibleTravel:
    return ImpossibleTravel(
        enabled=s.flag("enabled"),
        weight=s.weight(),
        scopes=s.scopes("scopes", _TRAVEL_SCOPES),
        min_travel_seconds=s.seconds("min_travel_seconds"),
    )


def _bot_user_agent(s: _Section) -> BotUserAgent:
    return BotUserAgent(enabled=s.flag("enabled"), weight=s.weight())


def _bot_fast_checkout(s: _Section) -> BotFastCheckout:
    return BotFastCheckout(
        enabled=s.flag("enabled"),
        weight=s.weight(),
        min_session_seconds=s.seconds("min_session_seconds"),
        min_prior_events=s.integer("min_prior_events", low=0),
    )


def _bot_no_product_views(s: _Section) -> BotNoProductViews:
    return BotNoProductViews(
        enabled=s.flag("enabled"),
        weight=s.weight(),
        lookback_seconds=s.seconds("lookback_seconds"),
        min_prior_events=s.integer("min_prior_events", low=0),
    )


_READERS: dict[str, Callable[[_Section], Any]] = {
    "card_testing": _card_testing,
    "velocity_orders": _velocity("max_orders", integral=True),
    "velocity_amount": _velocity("max_amount", integral=False),
    "takeover_new_device": _takeover(asks_what_is_new=True),
    "takeover_new_country": _takeover(asks_what_is_new=True),
    "takeover_password_reset": _takeover(asks_what_is_new=False),
    "takeover_address_change": _takeover(asks_what_is_new=False),
    "amount_anomaly": _amount_anomaly,
    "new_account_order": _new_account_order,
    "geo_mismatch": _geo_mismatch,
    "impossible_travel": _impossible_travel,
    "bot_user_agent": _bot_user_agent,
    "bot_fast_checkout": _bot_fast_checkout,
    "bot_no_product_views": _bot_no_product_views,
}


def _kind(value: Any) -> str:
    return "nothing" if value is None else type(value).__name__
