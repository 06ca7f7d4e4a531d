from __future__ import annotations

import json
import shutil

import pytest
from pyspark.sql.types import BooleanType, DoubleType, IntegerType, StringType, TimestampType
from support import STORAGE_ROWS

from shop_jobs.schema import SCHEMA_DIR_ENV, SchemaNotFoundError, load_event_schema, load_sessions_schema


def test_generated_schema_has_the_contract_keys(event_schema):
    fields = {f.name: f for f in event_schema.data.fields}
    for name in ("event_id", "event_type", "event_ts", "received_at", "schema_version"):
        assert fields[name].nullable is False, name
    assert fields["event_ts"].dataType == TimestampType()
    assert fields["received_at"].dataType == TimestampType()
    assert fields["anonymous_id"].nullable is True
    assert fields["session_seq"].dataType == IntegerType()


def test_partition_columns_are_path_only(event_schema):
    assert [(f.name, f.dataType) for f in event_schema.partitions.fields] == [
        ("dt", StringType()),
        ("hour", IntegerType()),
    ]
    assert not set(event_schema.partition_names) & set(event_schema.data.fieldNames())
    assert event_schema.full.fieldNames() == [*event_schema.data.fieldNames(), "dt", "hour"]


def test_storage_fixture_rows_have_exactly_the_schema_columns(event_schema):
    columns = set(event_schema.data.fieldNames())
    for line in STORAGE_ROWS.read_text(encoding="utf-8").splitlines():
        assert set(json.loads(line)) == columns


def test_sessions_schema_is_the_contracts_sessions_row(sessions_schema):
    fields = {f.name: f for f in sessions_schema.data.fields}
    assert sessions_schema.data.fieldNames()[:2] == ["session_id", "anonymous_id"]
    for name in ("session_id", "anonymous_id", "session_start", "event_count", "revenue", "is_bounce"):
        assert fields[name].nullable is False, name
    assert fields["user_id"].nullable is True
    assert fields["session_start"].dataType == TimestampType()
    assert fields["duration_seconds"].dataType == DoubleType()
    assert fields["event_count"].dataType == IntegerType()
    assert fields["is_bounce"].dataType == BooleanType()
    assert [(f.name, f.dataType) for f in sessions_schema.partitions.fields] == [("dt", StringType())]
    assert sessions_schema.full.fieldNames() == [*sessions_schema.data.fieldNames(), "dt"]


def test_environment_variable_points_elsewhere(schema_dir, tmp_path, monkeypatch):
    shipped = tmp_path / "shipped"
    shutil.copytree(schema_dir, shipped)
    monkeypatch.setenv(SCHEMA_DIR_ENV, str(shipped))
    assert load_event_schema() == load_event_schema(schema_dir)
    assert load_sessions_schema() == load_sessions_schema(schema_dir)

    monkeypatch.setenv(SCHEMA_DIR_ENV, str(tmp_path / "missing"))
    with pytest.raises(SchemaNotFoundError, match="missing"):
        load_event_schema()


def test_a_directory_without_the_tables_file_is_refused(schema_dir, tmp_path):
    shutil.copy(schema_dir / "events.json", tmp_path)
    shutil.copy(schema_dir / "events.partitions.json", tmp_path)
    load_event_schema(tmp_path)
    with pytest.raises(SchemaNotFoundError, match=r"sessions\.json does not exist"):
        load_sessions_schema(tmp_path)


def test_partition_column_inside_the_files_is_refused(schema_dir, tmp_path):
    shutil.copytree(schema_dir, tmp_path, dirs_exist_ok=True)
    (tmp_path / "events.partitions.json").write_text('[{"name": "event_id", "type": "string"}]')
    with pytest.raises(ValueError, match="event_id"):
        load_event_schema(tmp_path)
