"""The Spark reader of raw Kafka records gives the contract's storage rows (shop_jobs.transforms.collected)."""

from __future__ import annotations

import json

import pytest
from pyspark.sql import functions as F
from support import STORAGE_COLLECTED

from shop_jobs.schema import load_storage_mapping
from shop_jobs.transforms.collected import STORAGE_OK, storage_rows


@pytest.fixture(scope="module")
def read(spark, event_schema):
    schema = event_schema.data
    mapping = load_storage_mapping()

    def run(values: list[str]):
        records = spark.createDataFrame([(i, v) for i, v in enumerate(values)], "offset long, value string")
        return storage_rows(records, mapping, schema, keep=("offset",)).orderBy("offset")

    return run


def test_every_contract_fixture_becomes_the_contracts_storage_row(read, storage_rows, event_schema):
    collected = [line for line in STORAGE_COLLECTED.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = read(collected)
    assert rows.where(~F.col(STORAGE_OK)).count() == 0
    expected = storage_rows.select(*event_schema.data.fieldNames()).collect()
    actual = rows.drop("offset", STORAGE_OK).collect()
    assert len(actual) == len(expected) == len(collected)
    for got, want in zip(actual, expected, strict=True):
        assert got.asDict() == want.asDict(), got["event_id"]


def test_the_mappings_rules_hold_on_records_the_fixtures_do_not_cover(read):
    base = json.loads(STORAGE_COLLECTED.read_text(encoding="utf-8").splitlines()[1])  # Product Viewed

    def record(**event_changes):
        changed = json.loads(json.dumps(base))
        changed["event"].update(event_changes)
        return json.dumps(changed, separators=(",", ":"))

    rows = read(
        [
            # A string quantity is no int32; a fractional one neither; a whole one is.
            record(properties={"quantity": "2"}),
            record(properties={"quantity": 2.5, "revenue": 10}),
            # revenue only on the net-revenue events, negative for a refund, total as its fallback.
            record(event="Order Refunded", properties={"total": 12.5}),
            # A page named like an order fills no revenue; the currency is upper-cased.
            record(type="page", event=None, name="Order Completed", properties={"revenue": 9, "currency": "eur"}),
            # A number where the mapping reads a string gives its text.
            record(anonymousId=123),
        ]
    ).collect()
    assert [r["quantity"] for r in rows[:2]] == [None, None]
    assert rows[1]["revenue"] is None  # Product Viewed carries no revenue
    assert rows[2]["revenue"] == -12.5
    assert (rows[3]["revenue"], rows[3]["currency"], rows[3]["event_name"]) == (None, "EUR", "Order Completed")
    assert rows[4]["anonymous_id"] == "123"


def test_records_that_are_not_rows_are_marked_not_dropped(read):
    good = STORAGE_COLLECTED.read_text(encoding="utf-8").splitlines()[0]
    no_id = json.loads(good)
    del no_id["event"]["messageId"]
    rows = read(["not json", "[1,2]", json.dumps(no_id), good]).collect()
    assert [r[STORAGE_OK] for r in rows] == [False, False, False, True]
