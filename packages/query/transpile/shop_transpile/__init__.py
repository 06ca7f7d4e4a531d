"""The translation step of @shop/query: catalogue and view SQL (Athena) to DuckDB SQL."""

from shop_transpile.transpile import TranspileError, to_duckdb

__all__ = ["TranspileError", "to_duckdb"]
