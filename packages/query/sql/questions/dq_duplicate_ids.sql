-- Data quality: event ids stored more than once, with how many copies and when they were received.
-- Delivery is at least once, so some copies are expected; views read events through unique_events.
-- @param from date = today-7 : First partition day, inclusive.
-- @param to date = today : Last partition day, inclusive.
-- @param limit integer = 50 : How many event ids.
SELECT
  event_id,
  min(event_name) AS event_name,
  count(*) AS copies,
  min(received_at) AS first_received_at,
  max(received_at) AS last_received_at
FROM events
WHERE dt BETWEEN :from AND :to
GROUP BY event_id
HAVING count(*) > 1
ORDER BY copies DESC, first_received_at, event_id
LIMIT :limit
