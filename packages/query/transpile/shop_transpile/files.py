"""Which files are translated, where the output goes, and the staleness check.

Sources: ``sql/views/*.sql`` and ``sql/questions/*.sql`` (leading ``--`` lines document them and are not
translated). Output: ``sql/duckdb/<kind>/<name>.sql``, checked in, each with a notice naming its source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from shop_transpile.transpile import TranspileError, to_duckdb

KINDS = ("views", "questions")
GENERATED_DIR = "duckdb"
NOTICE = (
    "-- Generated from sql/{kind}/{name}.sql by packages/query/transpile "
    "(pnpm --filter @shop/query generate). Do not edit.\n"
)


@dataclass(frozen=True)
class Output:
    path: Path
    content: str


def body_of(source: str) -> str:
    """The statement of a source file: leading comment and blank lines and a final semicolon removed."""
    lines = source.split("\n")
    while lines and re.match(r"^\s*(--.*)?$", lines[0]):
        lines.pop(0)
    return re.sub(r";\s*$", "", "\n".join(lines).strip())


def render(sql_dir: Path) -> list[Output]:
    """Every generated file, from the sources under sql_dir; a source that cannot translate fails."""
    outputs: list[Output] = []
    for kind in KINDS:
        for source in sorted((sql_dir / kind).glob("*.sql")):
            name = source.stem
            try:
                duckdb_sql = to_duckdb(body_of(source.read_text(encoding="utf-8")))
            except TranspileError as error:
                raise TranspileError(f"sql/{kind}/{source.name}: {error}") from error
            content = NOTICE.format(kind=kind, name=name) + duckdb_sql + "\n"
            outputs.append(Output(sql_dir / GENERATED_DIR / kind / f"{name}.sql", content))
    return outputs


def stale(sql_dir: Path) -> list[str]:
    """Generated files that differ from a fresh translation, are missing, or have no source any more."""
    outputs = render(sql_dir)
    expected = {output.path for output in outputs}
    problems = [
        f"{output.path.relative_to(sql_dir)} is stale"
        if output.path.exists()
        else f"{output.path.relative_to(sql_dir)} is missing"
        for output in outputs
        if not output.path.exists() or output.path.read_text(encoding="utf-8") != output.content
    ]
    for kind in KINDS:
        for existing in sorted((sql_dir / GENERATED_DIR / kind).glob("*.sql")):
            if existing not in expected:
                problems.append(f"{existing.relative_to(sql_dir)} has no source")
    return problems


def write(sql_dir: Path) -> list[str]:
    """Writes what changed, removes orphans; returns what it did."""
    done: list[str] = []
    outputs = render(sql_dir)
    expected = {output.path for output in outputs}
    for output in outputs:
        if output.path.exists() and output.path.read_text(encoding="utf-8") == output.content:
            continue
        output.path.parent.mkdir(parents=True, exist_ok=True)
        output.path.write_text(output.content, encoding="utf-8")
        done.append(f"wrote {output.path.relative_to(sql_dir)}")
    for kind in KINDS:
        for existing in sorted((sql_dir / GENERATED_DIR / kind).glob("*.sql")):
            if existing not in expected:
                existing.unlink()
                done.append(f"removed {existing.relative_to(sql_dir)}")
    return done
