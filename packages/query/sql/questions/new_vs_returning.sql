-- New vs returning visitors by UTC day: sessions, orders, revenue and conversion of first-time and returning visitors.
-- "New" is the sessions table's is_new_visitor (no earlier session of the same person); unknown for old files.
-- @param from date = today-30 : First day (UTC, session start), inclusive.
-- @param to date = today : Last day (UTC, session start), inclusive.
SELECT
  dt AS day,
  CASE is_new_visitor WHEN true THEN 'new' WHEN false THEN 'returning' ELSE 'unknown' END AS visitor,
  count(*) AS sessions,
  sum(orders) AS orders,
  sum(revenue) AS revenue,
  round(CAST(count_if(orders > 0) AS DOUBLE) / count(*), 4) AS conversion_rate
FROM sessions
WHERE dt BETWEEN :from AND :to
GROUP BY dt, CASE is_new_visitor WHEN true THEN 'new' WHEN false THEN 'returning' ELSE 'unknown' END
ORDER BY day, visitor
