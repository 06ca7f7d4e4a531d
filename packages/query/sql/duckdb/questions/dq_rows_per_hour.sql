-- Generated from sql/questions/dq_rows_per_hour.sql by packages/query/transpile (pnpm --filter @shop/query generate). Do not edit.
SELECT
  dt,
  hour,
  COUNT(*) AS rows,
  COUNT(DISTINCT event_id) AS event_ids,
  COUNT(*) - COUNT(DISTINCT event_id) AS duplicate_rows
FROM events
WHERE
  dt BETWEEN :from AND :to
GROUP BY
  dt,
  hour
ORDER BY
  dt,
  hour
