"""The events lake schema, loaded from the files packages/event-schema generates.

The StructType is never written by hand here: the event contract is the only source, and a hand copy
would drift from what the S3 sink writes.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from pyspark.sql.types import StructField, StructType

SCHEMA_DIR_ENV = "SHOP_EVENT_SCHEMA_DIR"
EVENTS_FILE = "events.json"
PARTITIONS_FILE = "events.partitions.json"
_REPO_RELATIVE_DIR = Path("packages", "event-schema", "generated", "spark")


class SchemaNotFoundError(FileNotFoundError):
    """The generated schema files are neither where SHOP_EVENT_SCHEMA_DIR points nor in the repo."""


@dataclass(frozen=True)
class EventSchema:
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


def find_schema_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """explicit argument, else $SHOP_EVENT_SCHEMA_DIR, else the repo checkout this module lives in.

    On Databricks the package is installed from a wheel, far from the repo, so the job ships the
    files and points at them with the argument or the environment variable.
    """
    for candidate in (explicit, os.environ.get(SCHEMA_DIR_ENV)):
        if candidate:
            path = Path(candidate)
            if not (path / EVENTS_FILE).is_file():
                raise SchemaNotFoundError(f"{path / EVENTS_FILE} does not exist")
            return path
    for parent in Path(__file__).resolve().parents:
        path = parent / _REPO_RELATIVE_DIR
        if (path / EVENTS_FILE).is_file():
            return path
    raise SchemaNotFoundError(
        f"no {_REPO_RELATIVE_DIR / EVENTS_FILE} above {Path(__file__).parent}; "
        f"generate it in packages/event-schema or set {SCHEMA_DIR_ENV}"
    )


def _partition_field(spec: dict[str, str]) -> StructField:
    # Partition values come from directory names, so Spark always reads them as nullable.
    field = {"name": spec["name"], "type": spec["type"], "nullable": True, "metadata": {}}
    return StructField.fromJson(field)


def load_event_schema(schema_dir: str | os.PathLike[str] | None = None) -> EventSchema:
    directory = find_schema_dir(schema_dir)
    data = StructType.fromJson(json.loads((directory / EVENTS_FILE).read_text(encoding="utf-8")))
    partitions_path = directory / PARTITIONS_FILE
    if not partitions_path.is_file():
        raise SchemaNotFoundError(f"{partitions_path} does not exist")
    specs = json.loads(partitions_path.read_text(encoding="utf-8"))
    partitions = StructType([_partition_field(spec) for spec in specs])
    clash = set(data.fieldNames()) & set(partitions.fieldNames())
    if clash:
        raise ValueError(f"partition columns {sorted(clash)} must not also be stored inside the files")
    return EventSchema(data=data, partitions=partitions)
