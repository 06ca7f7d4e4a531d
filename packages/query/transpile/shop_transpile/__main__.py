"""python -m shop_transpile [--check] [--sql-dir DIR]: writes (or checks) sql/duckdb/ from the sources."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from shop_transpile.files import stale, write
from shop_transpile.transpile import TranspileError

DEFAULT_SQL_DIR = Path(__file__).resolve().parents[2] / "sql"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="shop_transpile", description=__doc__)
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 when a file is stale")
    parser.add_argument("--sql-dir", type=Path, default=DEFAULT_SQL_DIR)
    args = parser.parse_args(argv)
    try:
        if args.check:
            problems = stale(args.sql_dir)
            for problem in problems:
                print(problem, file=sys.stderr)
            if problems:
                print("run: pnpm --filter @shop/query generate", file=sys.stderr)
                return 1
            return 0
        for line in write(args.sql_dir):
            print(line)
        return 0
    except TranspileError as error:
        print(f"shop_transpile: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
