-- Generated from sql/questions/dq_late_share.sql by packages/query/transpile (pnpm --filter @shop/query generate). Do not edit.
SELECT
  CAST(received_at AS DATE) AS received_day,
  COUNT(*) AS events,
  COUNT_IF(DATE_DIFF('SECOND', event_ts, received_at) > :late_hours * 3600) AS late_events,
  ROUND(
    CAST(COUNT_IF(DATE_DIFF('SECOND', event_ts, received_at) > :late_hours * 3600) AS DOUBLE) / COUNT(*),
    4
  ) AS late_share,
  ROUND(MAX(DATE_DIFF('SECOND', event_ts, received_at)) / 3600.0, 1) AS max_lag_hours
FROM unique_events
WHERE
  CAST(received_at AS DATE) BETWEEN CAST(:from AS DATE) AND CAST(:to AS DATE)
GROUP BY
  CAST(received_at AS DATE)
ORDER BY
  received_day
