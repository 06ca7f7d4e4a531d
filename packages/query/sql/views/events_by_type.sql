-- Events per UTC day (of event time) and event type.
-- The sink delivers at least once, so an event is counted once per event_id.
SELECT
  CAST(event_ts AS DATE) AS event_date,
  event_type,
  count(DISTINCT event_id) AS events
FROM events
GROUP BY CAST(event_ts AS DATE), event_type
