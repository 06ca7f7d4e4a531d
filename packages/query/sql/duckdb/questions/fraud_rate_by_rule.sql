-- Generated from sql/questions/fraud_rate_by_rule.sql by packages/query/transpile (pnpm --filter @shop/query generate). Do not edit.
WITH alerts AS (
  SELECT
    alert_id,
    reason_codes
  FROM fraud_alerts
  WHERE
    dt BETWEEN :from AND :to
), scored AS (
  SELECT
    COUNT(*) AS events
  FROM unique_events
  WHERE
    event_type = {{value.event_type.track}}
    AND event_name IN ({{event.order_completed}}, {{event.payment_attempted}})
    AND CAST(event_ts AS DATE) BETWEEN CAST(:from AS DATE) AND CAST(:to AS DATE)
), by_rule AS (
  SELECT
    r.rule,
    COUNT(DISTINCT a.alert_id) AS alerts
  FROM alerts AS a
  CROSS JOIN UNNEST(STR_SPLIT(a.reason_codes, ',')) AS r(rule)
  GROUP BY
    r.rule
)
SELECT
  b.rule,
  b.alerts,
  ROUND(CAST(b.alerts AS DOUBLE) / (
    SELECT
      COUNT(*)
    FROM alerts
  ), 4) AS share_of_alerts,
  s.events AS scored_events,
  ROUND(CAST(b.alerts AS DOUBLE) / NULLIF(s.events, 0), 4) AS fraud_rate
FROM by_rule AS b
CROSS JOIN scored AS s
ORDER BY
  alerts DESC,
  rule
