"""What the streaming job keeps per key, so its state stays small and the rules still see what they need.

Per key, sorted by (event_ts, event_id), one copy per event_id:
- every event from `history.retention_seconds` before the key's newest event time, at most `max_events` (the
  newest); the config refuses any rule window longer than the retention, so the windows are always covered;
- for accounts only, older "profile" events (orders, sign-ins, sign-ups, identify calls) from
  `profile_retention_seconds` back, at most `max_profile_events`: which devices and countries the account
  knows, what it usually spends, when it was created.

"Now" is the newest event time of the key (or a later time the job passes, such as its watermark), never the
wall clock, so a replay prunes exactly as the first run did. A key whose newest event is older than
`ttl_seconds` keeps nothing: the job can give its state that time-to-live.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from operator import attrgetter

from shop_jobs.fraud.config import RulesConfig
from shop_jobs.fraud.events import FraudEvent, Scope, scope_key
from shop_jobs.fraud.features import MS_PER_SECOND, sort_key

_event_ts = attrgetter("event_ts")


def keys_of(event: FraudEvent, config: RulesConfig) -> dict[Scope, str]:
    """The keys to file this event under, one per scope it has a usable key for (see events.scope_key)."""
    skip = config.keys.skip_non_global_ips
    return {scope: key for scope in Scope if (key := scope_key(event, scope, skip_non_global_ips=skip)) is not None}


def update_history(
    history: Sequence[FraudEvent],
    new_events: Iterable[FraudEvent],
    scope: Scope,
    config: RulesConfig,
    now_ms: int | None = None,
) -> list[FraudEvent]:
    """history plus new_events, one copy per event_id (the copy already kept wins), sorted and pruned."""
    seen = {e.event_id for e in history}
    merged = list(history)
    for event in new_events:
        if event.event_id not in seen:
            seen.add(event.event_id)
            merged.append(event)
    merged.sort(key=sort_key)
    return prune_history(merged, scope, config, now_ms)


def prune_history(
    history: Sequence[FraudEvent], scope: Scope, config: RulesConfig, now_ms: int | None = None
) -> list[FraudEvent]:
    """The events of a sorted history the rules can still need (see the module doc)."""
    if not history:
        return []
    settings = config.history
    now = history[-1].event_ts if now_ms is None else max(now_ms, history[-1].event_ts)
    recent_start = bisect_left(history, now - settings.retention_seconds * MS_PER_SECOND, key=_event_ts)
    recent_start = max(recent_start, len(history) - settings.max_events)
    kept = list(history[recent_start:])
    if scope is not Scope.ACCOUNT or settings.max_profile_events == 0:
        return kept
    profile_from = now - settings.profile_retention_seconds * MS_PER_SECOND
    profile = [e for e in history[:recent_start] if e.is_profile_event and e.event_ts >= profile_from]
    return profile[-settings.max_profile_events :] + kept


def ttl_seconds(scope: Scope, config: RulesConfig) -> int:
    """How long after a key's last event its state is still of use: the profile retention for accounts, the
    retention for the other keys."""
    settings = config.history
    return settings.profile_retention_seconds if scope is Scope.ACCOUNT else settings.retention_seconds
