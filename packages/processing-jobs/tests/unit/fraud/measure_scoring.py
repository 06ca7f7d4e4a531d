"""How long shop_jobs.fraud takes per event, in one Python process (not a test: timings depend on the machine).

    cd packages/processing-jobs && ../../.tools/uv/bin/uv run --locked python tests/unit/fraud/measure_scoring.py

Streams the scenario tests' shoppers and fraudsters through what the streaming job does per event (file it under
its keys with update_history, score it when it is scorable) and prints the cost per event; then the cost of
scoring one event against full histories (max_events per key), and of rebuilding events from state tuples.
"""

from __future__ import annotations

import random
import time
from dataclasses import asdict
from datetime import UTC, datetime

from fraud_support import IP_1, declined, history, order, page, replay
from test_fraud_scenarios import (
    account_takeover,
    big_spender,
    by_time,
    card_tester,
    declined_once_then_paid,
    headless_checkout,
    ordinary_shoppers,
    scripted_checkout,
    traveller,
)

from shop_jobs.fraud import FraudEvent, Scope, is_scored, load_rules, score_event


def best_of(runs: int, work) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    config = load_rules()
    rnd = random.Random(1)
    stream = by_time(
        ordinary_shoppers(rnd, count=1500),
        card_tester(),
        account_takeover(rnd),
        scripted_checkout(),
        headless_checkout(rnd),
        big_spender(rnd),
        traveller(rnd),
        declined_once_then_paid(rnd),
    )
    scored = sum(1 for e in stream if is_scored(e))
    seconds = best_of(3, lambda: replay(stream, config))
    print(f"stream: {len(stream)} events, {scored} scored")
    print(f"  file under keys + score when scorable: {seconds / len(stream) * 1e6:.1f} us/event")

    rows = [asdict(e) for e in stream]
    seconds = best_of(3, lambda: [FraudEvent.from_row(r) for r in rows])
    print(f"  FraudEvent.from_row (epoch-ms row):     {seconds / len(rows) * 1e6:.1f} us/event")
    as_datetimes = [
        {**r, "event_ts": datetime.fromtimestamp(r["event_ts"] / 1000, UTC).replace(tzinfo=None)} for r in rows
    ]
    seconds = best_of(3, lambda: [FraudEvent.from_row(r) for r in as_datetimes])
    print(f"  FraudEvent.from_row (datetime row):     {seconds / len(rows) * 1e6:.1f} us/event")
    states = [e.to_state() for e in stream]
    seconds = best_of(3, lambda: [FraudEvent.from_state(s) for s in states])
    print(f"  FraudEvent.from_state:                  {seconds / len(states) * 1e6:.2f} us/event")

    # Worst case: every key's history full (max_events), payments and pages within the card-testing window.
    full = config.history.max_events
    keys = {"anonymous_id": "dev-1", "ip_anonymized": IP_1, "user_id": "user-1", "card_fingerprint": "card-1"}
    past = history(
        *(page(-86_000 + 170 * i, **keys) for i in range(full - 50)),
        *(declined(-800 + 16 * i, card=f"c{i}", bin=f"4{i:05d}", **keys) for i in range(50)),
    )
    histories = {scope: past for scope in Scope}
    triggers = [declined(0, card="c-new", **keys), order(0, revenue=900.0, **keys)]
    loops = 200
    seconds = best_of(3, lambda: [score_event(t, histories, config) for _ in range(loops) for t in triggers])
    print(f"score_event with 4 keys x {full} events: {seconds / (loops * len(triggers)) * 1e6:.0f} us/scored event")


if __name__ == "__main__":
    main()
