-- Generated from sql/questions/live_last_hour.sql by packages/query/transpile (pnpm --filter @shop/query generate). Do not edit.
SELECT
  minute,
  events,
  events_per_second,
  active_sessions,
  visitors,
  funnel_ordered AS ordering_sessions,
  orders,
  bot_share
FROM live_metrics_latest
WHERE
  minute > (
    SELECT
      MAX(minute)
    FROM live_metrics_latest
  ) - INTERVAL '1' MINUTE * :minutes
ORDER BY
  minute
