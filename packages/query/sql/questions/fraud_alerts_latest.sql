-- Latest fraud alerts with their reasons: newest first, with score, what was scored and each reason in words.
-- reasons is the text of every reason that fired (reasons_json), in score order.
-- @param from date = today-7 : First day (UTC, scored event time), inclusive.
-- @param to date = today : Last day (UTC, scored event time), inclusive.
-- @param min_score integer = 0 : Only alerts scoring at least this (0-100).
-- @param limit integer = 20 : How many alerts.
SELECT
  alert_ts,
  score,
  event_name,
  order_id,
  coalesce(user_id, anonymous_id) AS customer,
  amount,
  currency,
  reason_codes,
  array_join(
    transform(CAST(json_parse(reasons_json) AS ARRAY(JSON)), r -> json_extract_scalar(r, '$.text')),
    '; '
  ) AS reasons
FROM fraud_alerts
WHERE dt BETWEEN :from AND :to
  AND score >= :min_score
ORDER BY alert_ts DESC, alert_id
LIMIT :limit
