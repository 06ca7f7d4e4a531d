-- Data quality: stored rows per partition hour, with distinct event ids and duplicate copies.
-- Reads the events table as stored (every delivered copy), by the sink's dt/hour partitions.
-- @param from date = today-2 : First partition day, inclusive.
-- @param to date = today : Last partition day, inclusive.
SELECT
  dt,
  hour,
  count(*) AS rows,
  count(DISTINCT event_id) AS event_ids,
  count(*) - count(DISTINCT event_id) AS duplicate_rows
FROM events
WHERE dt BETWEEN :from AND :to
GROUP BY dt, hour
ORDER BY dt, hour
