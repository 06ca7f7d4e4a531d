-- Generated from sql/views/events_by_type.sql by packages/query/transpile (pnpm --filter @shop/query generate). Do not edit.
SELECT
  CAST(event_ts AS DATE) AS event_date,
  event_type,
  COUNT(*) AS events
FROM unique_events
GROUP BY
  CAST(event_ts AS DATE),
  event_type
