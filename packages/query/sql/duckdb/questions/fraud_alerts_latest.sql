-- Generated from sql/questions/fraud_alerts_latest.sql by packages/query/transpile (pnpm --filter @shop/query generate). Do not edit.
SELECT
  alert_ts,
  score,
  event_name,
  order_id,
  COALESCE(user_id, anonymous_id) AS customer,
  amount,
  currency,
  reason_codes,
  ARRAY_TO_STRING(
    LIST_TRANSFORM(CAST(JSON(reasons_json) AS JSON[]), LAMBDA r : r ->> '$.text'),
    '; '
  ) AS reasons
FROM fraud_alerts
WHERE
  dt BETWEEN :from AND :to AND score >= :min_score
ORDER BY
  alert_ts DESC,
  alert_id
LIMIT :limit
