"""The fraud stream's per-key state function, timed outside Spark (python bench/state_function.py [--against SRC]).

The stream calls it once per (scope, key) group and micro-batch, so its cost per group, which grows with the
key's kept history, is most of a batch's cost under load. Groups get one new page view over a history of 0 to
400 kept events (the default keeps up to 500). With --against, the same groups also run on another checkout's
`src` (e.g. a `git worktree` of main), interleaved round by round, as the baseline.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HISTORY_SIZES = (0, 10, 100, 400)
GROUPS = 200


def measure() -> dict[int, float]:
    """ms per group by history size, for the shop_jobs on sys.path."""
    import pandas as pd

    from shop_jobs.fraud import load_rules
    from shop_jobs.fraud.events import STATE_FIELDS, FraudEvent
    from shop_jobs.streaming import fraud_scoring

    config = load_rules()
    on_key = fraud_scoring.key_state_function(config)
    start = 1_795_860_000_000

    def page(n: int) -> FraudEvent:
        return FraudEvent(
            event_id=f"e-{n}", event_type="page", event_name="Home", event_ts=start + n * 5000,
            anonymous_id="dev-1", ip_anonymized="81.2.69.0",
        )  # fmt: skip

    def frame(event: FraudEvent) -> pd.DataFrame:
        row = dict(zip(STATE_FIELDS, (getattr(event, f) for f in STATE_FIELDS), strict=True))
        for name in ("event_ts", "received_at", "account_created_at"):
            row[f"{name}_ms"] = row.pop(name)
        return pd.DataFrame([{**row, "scope": "device", "key": "dev-1", "event_ts": pd.Timestamp(start, unit="ms")}])

    class State:
        hasTimedOut = False

        def __init__(self, value: tuple[str] | None) -> None:
            self.value = value

        exists = property(lambda self: self.value is not None)
        get = property(lambda self: self.value)

        def update(self, value: tuple[str]) -> None:
            self.value = value

        def setTimeoutTimestamp(self, _: int) -> None:
            pass

    out = {}
    for size in HISTORY_SIZES:
        kept = [page(n) for n in range(size)]
        value = (json.dumps([[getattr(e, f) for f in STATE_FIELDS] for e in kept]),) if kept else None
        frames = [frame(page(size + 1)) for _ in range(GROUPS)]
        began = time.perf_counter()
        for one in frames:
            for _ in on_key(("device", "dev-1"), iter([one]), State(value)):
                pass
        out[size] = (time.perf_counter() - began) * 1000 / GROUPS
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--against", help="another checkout's packages/processing-jobs/src: the baseline")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure()))
        return
    here = str(Path(__file__).resolve().parents[1] / "src")
    sources = {"this checkout": here, **({"baseline": args.against} if args.against else {})}
    results: dict[str, list[dict[str, float]]] = {name: [] for name in sources}
    for _ in range(args.rounds):
        for name, src in sources.items():
            child = subprocess.run(
                [sys.executable, __file__, "--child"],
                env={**os.environ, "PYTHONPATH": src},
                capture_output=True,
                text=True,
                check=True,
            )
            results[name].append(json.loads(child.stdout))
    print(f"ms per group (median of {args.rounds} interleaved rounds, {GROUPS} groups each)")
    print("kept history  " + "  ".join(f"{name:>14}" for name in sources))
    for size in HISTORY_SIZES:
        cells = [statistics.median(r[str(size)] for r in results[name]) for name in sources]
        print(f"{size:>12}  " + "  ".join(f"{c:>14.3f}" for c in cells))


if __name__ == "__main__":
    main()
