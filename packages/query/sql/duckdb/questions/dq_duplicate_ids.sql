-- Generated from sql/questions/dq_duplicate_ids.sql by packages/query/transpile (pnpm --filter @shop/query generate). Do not edit.
SELECT
  event_id,
  MIN(event_name) AS event_name,
  COUNT(*) AS copies,
  MIN(received_at) AS first_received_at,
  MAX(received_at) AS last_received_at
FROM events
WHERE
  dt BETWEEN :from AND :to
GROUP BY
  event_id
HAVING
  COUNT(*) > 1
ORDER BY
  copies DESC,
  first_received_at,
  event_id
LIMIT :limit
