-- Events per UTC day (of event time) and event type, each event once (see unique_events).
SELECT
  CAST(event_ts AS DATE) AS event_date,
  event_type,
  count(*) AS events
FROM unique_events
GROUP BY CAST(event_ts AS DATE), event_type
