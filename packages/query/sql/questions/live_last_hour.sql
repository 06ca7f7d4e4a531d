-- Live metrics of the last hour: per minute, events, sessions, visitors, orders and bot share (latest revision).
-- "Last hour" ends at the newest minute in the table, so a stream that lags still shows its latest hour.
-- @param minutes integer = 60 : Length of the window in minutes.
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
WHERE minute > (SELECT max(minute) FROM live_metrics_latest) - INTERVAL '1' MINUTE * :minutes
ORDER BY minute
