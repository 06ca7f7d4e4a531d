"""An assessment that crossed the threshold, as the contract's alert: the `alerts.fraud` record (FraudAlert, its
JSON Schema generated in packages/event-schema/generated/json-schema/fraud-alert.json) and the `fraud_alerts`
lake row (generated/spark/fraud_alerts.json). Pure: the alert time is passed in."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from shop_jobs.contract import FRAUD_ALERT_VERSION
from shop_jobs.fraud.events import FraudEvent
from shop_jobs.fraud.score import Assessment


def iso_utc(epoch_ms: int) -> str:
    """Epoch ms as the contract's ISO-8601 text, UTC with milliseconds (as JavaScript's toISOString)."""
    return datetime.fromtimestamp(epoch_ms / 1000, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{epoch_ms % 1000:03d}Z"


def alert_record(assessment: Assessment, trigger: FraudEvent, threshold: float, alert_ts_ms: int) -> dict[str, Any]:
    """The alerts.fraud record value (a FraudAlert), reasons strongest first."""
    reasons = sorted(assessment.reasons, key=lambda r: (-r.weight, r.code))
    return {
        "v": FRAUD_ALERT_VERSION,
        "alertId": assessment.alert_id,
        "ruleVersion": assessment.rule_version,
        "score": assessment.score,
        "threshold": int(threshold),
        "reasons": [r.to_dict() for r in reasons],
        "eventId": trigger.event_id,
        "eventName": trigger.event_name or trigger.event_type,
        "orderId": trigger.order_id,
        "checkoutId": trigger.checkout_id,
        "userId": trigger.user_id,
        "anonymousId": trigger.anonymous_id,
        "ipAnonymized": trigger.ip_anonymized,
        "geoCountry": trigger.geo_country,
        "cardFingerprint": trigger.card_fingerprint,
        "amount": trigger.amount,
        "currency": trigger.currency,
        "eventTs": iso_utc(trigger.event_ts),
        "alertTs": iso_utc(alert_ts_ms),
    }


def alert_row(record: dict[str, Any]) -> dict[str, Any]:
    """The fraud_alerts row of an alert record (timestamps as UTC datetimes, dt from the event time)."""
    event_ts = datetime.strptime(record["eventTs"], "%Y-%m-%dT%H:%M:%S.%f%z")
    return {
        "alert_id": record["alertId"],
        "rule_version": record["ruleVersion"],
        "score": float(record["score"]),
        "threshold": record["threshold"],
        "reason_codes": ",".join(r["code"] for r in record["reasons"]),
        "reasons_json": json.dumps(record["reasons"], separators=(",", ":"), sort_keys=True),
        "event_id": record["eventId"],
        "event_name": record["eventName"],
        "order_id": record["orderId"],
        "checkout_id": record["checkoutId"],
        "user_id": record["userId"],
        "anonymous_id": record["anonymousId"],
        "ip_anonymized": record["ipAnonymized"],
        "geo_country": record["geoCountry"],
        "card_fingerprint": record["cardFingerprint"],
        "amount": record["amount"],
        "currency": record["currency"],
        "event_ts": event_ts,
        "alert_ts": datetime.strptime(record["alertTs"], "%Y-%m-%dT%H:%M:%S.%f%z"),
        "dt": event_ts.strftime("%Y-%m-%d"),
    }
