"""An assessment as the contract's alert: the alerts.fraud record (its generated JSON Schema) and the row."""

from __future__ import annotations

import json

import jsonschema
from fraud_support import IP_1, T0, declined, history, load_test_rules
from support import REPO_ROOT

from shop_jobs.fraud import Scope, score_event
from shop_jobs.fraud.alerts import alert_record, alert_row, iso_utc
from shop_jobs.schema import FRAUD_ALERTS_TABLE, load_table_schema

ALERT_SCHEMA = json.loads(
    (REPO_ROOT / "packages/event-schema/generated/json-schema/fraud-alert.json").read_text(encoding="utf-8")
)


def test_an_alert_record_is_a_valid_contract_alert_and_its_row_fills_the_table():
    config = load_test_rules()
    device = {"anonymous_id": "dev-1", "ip_anonymized": IP_1, "currency": "USD"}
    burst = [declined(-100 * (5 - i), card=f"card-{i}", bin=f"40000{i}", **device) for i in range(5)]
    trigger = declined(0, card="card-9", bin="400009", **device)
    assessment = score_event(trigger, {Scope.DEVICE: history(*burst)}, config)
    assert assessment.alert
    record = alert_record(assessment, trigger, config.alert_threshold, T0 + 5_000)
    jsonschema.validate(record, ALERT_SCHEMA)
    assert record["alertId"] == assessment.alert_id
    assert [r["weight"] for r in record["reasons"]] == sorted((r["weight"] for r in record["reasons"]), reverse=True)
    assert record["eventTs"] == iso_utc(trigger.event_ts)
    assert record["alertTs"] == iso_utc(T0 + 5_000)
    row = alert_row(record)
    assert list(row) == load_table_schema(FRAUD_ALERTS_TABLE).full.fieldNames()
    assert row["reason_codes"].split(",") == [r["code"] for r in record["reasons"]]
    assert json.loads(row["reasons_json"]) == record["reasons"]


def test_iso_utc_writes_milliseconds_like_javascript():
    assert iso_utc(T0) == "2026-11-28T10:00:00.000Z"
    assert iso_utc(T0 + 7) == "2026-11-28T10:00:00.007Z"
