-- Fraud rate by rule: alerts each rule took part in, their share of all alerts and of the scored events.
-- Scored events are the orders and payment attempts of the period (each event once); an alert with two
-- reasons counts for both rules.
-- @param from date = today-30 : First day (UTC, scored event time), inclusive.
-- @param to date = today : Last day (UTC, scored event time), inclusive.
WITH alerts AS (
  SELECT alert_id, reason_codes
  FROM fraud_alerts
  WHERE dt BETWEEN :from AND :to
),
scored AS (
  SELECT count(*) AS events
  FROM unique_events
  WHERE event_type = {{value.event_type.track}}
    AND event_name IN ({{event.order_completed}}, {{event.payment_attempted}})
    AND CAST(event_ts AS DATE) BETWEEN CAST(:from AS DATE) AND CAST(:to AS DATE)
),
by_rule AS (
  SELECT r.rule, count(DISTINCT a.alert_id) AS alerts
  FROM alerts AS a
  CROSS JOIN UNNEST(split(a.reason_codes, ',')) AS r (rule)
  GROUP BY r.rule
)
SELECT
  b.rule,
  b.alerts,
  round(CAST(b.alerts AS DOUBLE) / (SELECT count(*) FROM alerts), 4) AS share_of_alerts,
  s.events AS scored_events,
  round(CAST(b.alerts AS DOUBLE) / nullif(s.events, 0), 4) AS fraud_rate
FROM by_rule AS b
CROSS JOIN scored AS s
ORDER BY alerts DESC, rule
