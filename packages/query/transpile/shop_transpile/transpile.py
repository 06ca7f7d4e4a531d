"""Athena (Trino) SQL of the catalogue to the DuckDB SQL the local engine runs.

sqlglot does the translation (read="athena", write="duckdb"). What it cannot know, or would get wrong
without a word, is handled here by small rules, each tested in tests/test_transpile.py:

- placeholders: the sources carry contract fragments ``{{group.funnel}}`` and named parameters ``:from``,
  which are not SQL. They go through sqlglot as plain identifiers and come back unchanged, so the
  generated file depends on the source alone, and the query package fills both in the same way for
  every engine.
- integer division: ``7/2`` is 3 in Trino and 3.5 in DuckDB, and sqlglot keeps ``/`` when it does not
  know the operand types. A division must have an operand that is visibly fractional (a CAST to
  DOUBLE, REAL or DECIMAL, a decimal literal, avg()); anything else is refused with the place to fix.
- functions DuckDB lacks: a Trino function that sqlglot passes through untranslated (``format_datetime``)
  would fail only when the query runs; it fails the build instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel, ParseError, UnsupportedError

# Named parameters (:name) and contract fragments ({{a.b}}), outside string literals and comments.
_PLACEHOLDER = re.compile(
    r"'(?:[^']|'')*'"  # string literal
    r'|"(?:[^"]|"")*"'  # quoted identifier
    r"|--[^\n]*|/\*.*?\*/"  # comments
    r"|(?<![:\w]):([a-z][a-z0-9_]*)"  # :param (not a :: cast)
    r"|\{\{([a-z0-9_.]+)\}\}",  # {{fragment}}
    re.S,
)
_TOKEN = re.compile(r"\b__shop_(p|f)(\d+)__\b")

# Trino functions DuckDB does not have under the same name (shared FIELD-NOTES, "Athena, Trino, DuckDB").
# sqlglot translates most of them; one still standing in the output was not translated.
TRINO_ONLY_FUNCTIONS = frozenset(
    {
        "approx_distinct",
        "approx_percentile",
        "date_add",
        "from_unixtime",
        "to_unixtime",
        "date_parse",
        "format_datetime",
        "date_format",
        "cardinality",
        "element_at",
        "json_extract_scalar",
        "regexp_like",
    }
)

_FRACTIONAL_TYPES = {
    exp.DataType.Type.DOUBLE,
    exp.DataType.Type.FLOAT,
    exp.DataType.Type.DECIMAL,
}


class TranspileError(Exception):
    """A source that cannot become DuckDB SQL as it stands; the message says where and why."""


@dataclass(frozen=True)
class Protected:
    sql: str
    tokens: dict[str, str]


def protect(sql: str) -> Protected:
    """Replaces :params and {{fragments}} by identifiers sqlglot parses and prints back unchanged."""
    tokens: dict[str, str] = {}

    def replace(match: re.Match[str]) -> str:
        param, fragment = match.group(1), match.group(2)
        if param is None and fragment is None:
            return match.group(0)  # a string literal, quoted identifier or comment: left alone
        kind = "p" if param is not None else "f"
        original = f":{param}" if param is not None else f"{{{{{fragment}}}}}"
        token = f"__shop_{kind}{len(tokens)}__"
        tokens[token] = original
        return token

    if _TOKEN.search(sql):
        raise TranspileError("the source uses an identifier __shop_pN__ or __shop_fN__, reserved here")
    return Protected(_PLACEHOLDER.sub(replace, sql), tokens)


def restore(sql: str, tokens: dict[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token not in tokens:
            raise TranspileError(f"unknown placeholder token {token} in the output")
        return tokens[token]

    out = _TOKEN.sub(replace, sql)
    missing = [original for token, original in tokens.items() if token not in sql]
    if missing:
        raise TranspileError(f"the translation lost placeholder(s) {', '.join(missing)}")
    return out


def _is_fractional(node: exp.Expression) -> bool:
    if isinstance(node, exp.Paren):
        return _is_fractional(node.this)
    if isinstance(node, (exp.Cast, exp.TryCast)):
        return node.to.this in _FRACTIONAL_TYPES
    if isinstance(node, exp.Literal):
        return not node.is_string and bool(re.search(r"[.eE]", node.this))
    if isinstance(node, exp.Avg):
        return True
    if isinstance(node, (exp.Mul, exp.Add, exp.Sub, exp.Div)):
        return _is_fractional(node.left) or _is_fractional(node.right)
    if isinstance(node, (exp.Nullif, exp.Coalesce, exp.Round, exp.Abs)):
        return _is_fractional(node.this)
    return False


def check_division(tree: exp.Expression) -> None:
    """Refuses a division whose result would differ between Trino (integer) and DuckDB (fractional)."""
    for div in tree.find_all(exp.Div):
        if not (_is_fractional(div.left) or _is_fractional(div.right)):
            raise TranspileError(
                "integer division is ambiguous (Trino truncates, DuckDB does not): "
                f"{div.sql(dialect='athena')} -- CAST an operand AS DOUBLE (or divide by a decimal: 60.0)"
            )


def check_functions(tree: exp.Expression) -> None:
    """Refuses Trino functions sqlglot left untranslated in the DuckDB output."""
    for call in tree.find_all(exp.Anonymous):
        name = str(call.this).lower()
        if name in TRINO_ONLY_FUNCTIONS:
            raise TranspileError(f"{name}() has no DuckDB translation; write the query without it")


def to_duckdb(athena_sql: str) -> str:
    """One Athena SELECT (placeholders allowed) as DuckDB SQL, pretty-printed, placeholders kept."""
    protected = protect(athena_sql)
    try:
        trees = sqlglot.parse(protected.sql, read="athena")
    except ParseError as error:
        raise TranspileError(f"not valid Athena SQL: {error}") from error
    if len(trees) != 1 or trees[0] is None:
        raise TranspileError(f"expected exactly one statement, got {len(trees)}")
    tree = trees[0]
    check_division(tree)
    try:
        out = tree.sql(dialect="duckdb", pretty=True, unsupported_level=ErrorLevel.RAISE)
    except UnsupportedError as error:
        raise TranspileError(f"sqlglot cannot translate this to DuckDB: {error}") from error
    check_functions(sqlglot.parse_one(out, read="duckdb"))
    return restore(out, protected.tokens)
