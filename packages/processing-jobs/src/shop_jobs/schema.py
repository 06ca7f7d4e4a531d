"""The lake's table schemas (events, sessions), loaded from the files packages/event-schema generates.

No StructType is written by hand here: the contract is the only source, and a hand copy would drift from
what the S3 sink writes (events) or from what the query package and Athena read (sessions).
"""

from __future__ import annotations

import argparse
import json
import os
from dataclasses import dataclass
from pathlib import Path

from pyspark.sql.types import StructField, StructType

SCHEMA_DIR_ENV = "SHOP_EVENT_SCHEMA_DIR"
EVENTS_TABLE = "events"
SESSIONS_TABLE = "sessions"
FRAUD_ALERTS_TABLE = "fraud_alerts"
USERS_TABLE = "users"
DAILY_METRICS_TABLE = "daily_metrics"
LIVE_METRICS_TABLE = "live_metrics"
_REPO_RELATIVE_DIR = Path("packages", "event-schema", "generated", "spark")


class SchemaNotFoundError(FileNotFoundError):
    """The generated schema files are neither where SHOP_EVENT_SCHEMA_DIR points nor in the repo."""


@dataclass(frozen=True)
class TableSchema:
    """Columns stored inside the Parquet files, and the Hive-style partition columns of the paths."""

    data: StructType
    partitions: StructType

    @property
    def full(self) -> StructType:
        """Data columns followed by partition columns: what a partition-discovering read returns."""
        return StructType([*self.data.fields, *self.partitions.fields])

    @property
    def partition_names(self) -> list[str]:
        return [f.name for f in self.partitions.fields]


def _data_file(table: str) -> str:
    return f"{table}.json"


def _partitions_file(table: str) -> str:
    return f"{table}.partitions.json"


def find_schema_dir(explicit: str | os.PathLike[str] | None = None, table: str = EVENTS_TABLE) -> Path:
    """explicit argument, else $SHOP_EVENT_SCHEMA_DIR, else the repo checkout this module lives in.

    On Databricks the package is installed from a wheel, far from the repo, so the job ships the
    files and points at them with the argument or the environment variable.
    """
    name = _data_file(table)
    for candidate in (explicit, os.environ.get(SCHEMA_DIR_ENV)):
        if candidate:
            path = Path(candidate)
            if not (path / name).is_file():
                raise SchemaNotFoundError(f"{path / name} does not exist")
            return path
    for parent in Path(__file__).resolve().parents:
        path = parent / _REPO_RELATIVE_DIR
        if (path / name).is_file():
            return path
    raise SchemaNotFoundError(
        f"no {_REPO_RELATIVE_DIR / name} above {Path(__file__).parent}; "
        f"generate it in packages/event-schema or set {SCHEMA_DIR_ENV}"
    )


def add_schema_dir_argument(parser: argparse.ArgumentParser, table: str) -> None:
    """--schema-dir for a job's entry point, documented with the lookup order of find_schema_dir."""
    parser.add_argument(
        "--schema-dir",
        default=None,
        help=f"folder with the generated {_data_file(table)} (default: ${SCHEMA_DIR_ENV}, then the repo)",
    )


def _partition_field(spec: dict[str, str]) -> StructField:
    # Partition values come from directory names, so Spark always reads them as nullable.
    field = {"name": spec["name"], "type": spec["type"], "nullable": True, "metadata": {}}
    return StructField.fromJson(field)


def load_table_schema(table: str, schema_dir: str | os.PathLike[str] | None = None) -> TableSchema:
    """The generated <table>.json and <table>.partitions.json, found as find_schema_dir says."""
    directory = find_schema_dir(schema_dir, table)
    data = StructType.fromJson(json.loads((directory / _data_file(table)).read_text(encoding="utf-8")))
    partitions_path = directory / _partitions_file(table)
    if not partitions_path.is_file():
        raise SchemaNotFoundError(f"{partitions_path} does not exist")
    specs = json.loads(partitions_path.read_text(encoding="utf-8"))
    partitions = StructType([_partition_field(spec) for spec in specs])
    clash = set(data.fieldNames()) & set(partitions.fieldNames())
    if clash:
        raise ValueError(f"partition columns {sorted(clash)} must not also be stored inside the files")
    return TableSchema(data=data, partitions=partitions)


def load_event_schema(schema_dir: str | os.PathLike[str] | None = None) -> TableSchema:
    """The events table the S3 sink writes (storage rows, partitioned by dt and hour)."""
    return load_table_schema(EVENTS_TABLE, schema_dir)


def load_storage_mapping(schema_dir: str | os.PathLike[str] | None = None) -> list[dict[str, object]]:
    """The contract's storage mapping (generated events.mapping.json): how a raw record becomes a row.

    Each entry: name, as (coercion), from (paths) or constant, and optionally when, negativeFor, required.
    shop_jobs.transforms.collected interprets it; the sink and toStorageRow interpret the same table.
    """
    directory = find_schema_dir(schema_dir, EVENTS_TABLE)
    path = directory / f"{EVENTS_TABLE}.mapping.json"
    if not path.is_file():
        raise SchemaNotFoundError(f"{path} does not exist")
    return list(json.loads(path.read_text(encoding="utf-8"))["columns"])


def load_sessions_schema(schema_dir: str | os.PathLike[str] | None = None) -> TableSchema:
    """The sessions table shop_jobs.transforms.sessions.sessionize produces (partitioned by dt)."""
    return load_table_schema(SESSIONS_TABLE, schema_dir)
