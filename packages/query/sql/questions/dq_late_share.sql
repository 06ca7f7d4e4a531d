-- Data quality: share of late events per UTC receive day: events received more than late_hours after they happened.
-- Late events land in old partitions (or, past the sink's bound, in the receive hour): this shows how many.
-- @param from date = today-7 : First receive day (UTC), inclusive.
-- @param to date = today : Last receive day (UTC), inclusive.
-- @param late_hours integer = 1 : An event received more than this many hours after its event time is late.
SELECT
  CAST(received_at AS DATE) AS received_day,
  count(*) AS events,
  count_if(date_diff('second', event_ts, received_at) > :late_hours * 3600) AS late_events,
  round(CAST(count_if(date_diff('second', event_ts, received_at) > :late_hours * 3600) AS DOUBLE) / count(*), 4)
    AS late_share,
  round(max(date_diff('second', event_ts, received_at)) / 3600.0, 1) AS max_lag_hours
FROM unique_events
WHERE CAST(received_at AS DATE) BETWEEN CAST(:from AS DATE) AND CAST(:to AS DATE)
GROUP BY CAST(received_at AS DATE)
ORDER BY received_day
