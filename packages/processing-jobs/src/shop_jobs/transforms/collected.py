"""Raw Kafka records (the collector's CollectedEvent JSON) -> storage rows: the contract's mapping, in Spark.

The sink writes the lake from the same records with the same mapping (packages/s3-sink, and toStorageRow in
packages/event-schema); the streaming jobs read the records straight from Kafka, so they need the rows
without waiting for the lake. This module interprets the generated mapping (events.mapping.json) as Spark
expressions: nothing about a column is written here.

How the coercions map to Spark. The record is parsed once into a VARIANT, which keeps each value's JSON
type (schema_of_variant), so a string "5" and a number 5 stay apart as the mapping requires:
- string: a string as is, a number as its text; upper_code upper-cases it;
- int32: a number with no fraction inside the int32 range; double: any number;
- timestamp: ISO-8601 text (Spark's cast: date-times with Z or an offset, and dates, as UTC);
- boolean: true or false; json_object: an object, as the record's own JSON text of it (get_json_object).
Where the record is the compact JSON the collector writes (numbers in their shortest form, up to 15
digits), the rows equal toStorageRow's; tests/unit/test_collected.py holds them to the contract's
fixtures. Beyond that the text of a number may differ (Spark writes 1e21 as 1.0E21, JavaScript as
1e+21) and Spark does not read JavaScript's free-form dates.

Records that are not JSON objects, or lack a required column, are not rows: `storage_rows` marks them
(STORAGE_OK is false) so a job can count and skip them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import StructType

from shop_jobs.contract import EVENT_TYPE_TRACK

#: Column added by storage_rows: whether the record became a row (parsed, every required column set).
STORAGE_OK = "_storage_ok"

_NUMBER_TYPES = ("BIGINT", "DOUBLE", "FLOAT", "INT", "SMALLINT", "TINYINT")
_INT32_MIN, _INT32_MAX = -(2**31), 2**31 - 1


def _json_path(path: str) -> str:
    """A dotted mapping path as a JSON path of quoted keys (`$['event']['properties']['revenue']`)."""
    return "$" + "".join(f"['{key}']" for key in path.split("."))


def _is_number(json_type: Column) -> Column:
    return json_type.isin(*_NUMBER_TYPES) | json_type.startswith("DECIMAL")


def _coerce(record: Column, raw_text: Column, path: str, coercion: str) -> Column:
    """One path's value under one coercion, or null when the coercion does not take it."""
    json_path = _json_path(path)
    value = F.variant_get(record, json_path, "variant")
    json_type = F.schema_of_variant(value)
    as_string = F.try_variant_get(record, json_path, "string")
    as_double = F.try_variant_get(record, json_path, "double")
    if coercion in ("string", "upper_code"):
        text = F.when((json_type == "STRING") | _is_number(json_type), as_string)
        return F.upper(text) if coercion == "upper_code" else text
    if coercion == "int32":
        integral = _is_number(json_type) & (as_double == F.floor(as_double))
        in_range = as_double.between(_INT32_MIN, _INT32_MAX)
        return F.when(integral & in_range, as_double.cast("int"))
    if coercion == "double":
        return F.when(_is_number(json_type) & ~F.isnan(as_double), as_double)
    if coercion == "timestamp":
        return F.when(json_type == "STRING", F.try_to_timestamp(as_string))
    if coercion == "boolean":
        return F.when(json_type == "BOOLEAN", F.try_variant_get(record, json_path, "boolean"))
    if coercion == "json_object":
        return F.when(json_type.startswith("OBJECT"), F.get_json_object(raw_text, json_path))
    raise ValueError(f"unknown coercion {coercion!r} in the storage mapping")


def _in(column: Column, values: Sequence[str] | None) -> Column:
    return column.isin(*values) if values else F.lit(False)


def _event_filter(when: Mapping[str, Sequence[str]], event_type: Column, event_name: Column) -> Column:
    """The mapping's `when`: the event's type is listed, or it is a track event whose name is listed."""
    return _in(event_type, when.get("types")) | ((event_type == EVENT_TYPE_TRACK) & _in(event_name, when.get("track")))


def storage_rows(
    records: DataFrame,
    mapping: Sequence[Mapping[str, Any]],
    schema: StructType,
    value_column: str = "value",
    keep: Sequence[str] = (),
) -> DataFrame:
    """records (a column of CollectedEvent JSON text or bytes) -> the storage row columns of `schema`, in
    order, plus STORAGE_OK, plus the `keep` columns of the input (e.g. Kafka's topic, partition, offset).

    mapping is shop_jobs.schema.load_storage_mapping(), schema load_event_schema().data.
    """
    by_name = {entry["name"]: entry for entry in mapping}
    if [f.name for f in schema.fields] != list(by_name):
        raise ValueError("the storage mapping and the events schema list different columns")
    raw_text = F.col(value_column).cast("string")
    parsed = records.select(*keep, raw_text.alias("_raw"), F.try_parse_json(raw_text).alias("_record"))
    record, raw = F.col("_record"), F.col("_raw")

    def first_value(entry: Mapping[str, Any]) -> Column:
        if "constant" in entry:
            return F.lit(entry["constant"])
        values = [_coerce(record, raw, path, entry["as"]) for path in entry["from"]]
        return values[0] if len(values) == 1 else F.coalesce(*values)

    # Filters read the row's event_type and event_name, so those come first.
    event_type, event_name = first_value(by_name["event_type"]), first_value(by_name["event_name"])
    columns: list[Column] = []
    for field in schema.fields:
        entry = by_name[field.name]
        value = first_value(entry)
        if entry.get("when"):
            value = F.when(_event_filter(entry["when"], event_type, event_name), value)
        if entry.get("negativeFor"):
            refund = (event_type == EVENT_TYPE_TRACK) & _in(event_name, entry["negativeFor"])
            value = F.when(refund, -F.abs(value)).otherwise(value)
        columns.append(value.cast(field.dataType).alias(field.name))
    rows = parsed.select(*keep, *columns)
    # Not JSON, not an object, or an object without what every row needs: all leave a required column null.
    ok = F.lit(True)
    for entry in mapping:
        if entry.get("required"):
            ok = ok & F.col(entry["name"]).isNotNull()
    return rows.withColumn(STORAGE_OK, ok)
