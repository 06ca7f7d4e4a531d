-- Generated from sql/questions/new_vs_returning.sql by packages/query/transpile (pnpm --filter @shop/query generate). Do not edit.
SELECT
  dt AS day,
  CASE is_new_visitor
    WHEN TRUE
    THEN 'new'
    WHEN FALSE
    THEN 'returning'
    ELSE 'unknown'
  END AS visitor,
  COUNT(*) AS sessions,
  SUM(orders) AS orders,
  SUM(revenue) AS revenue,
  ROUND(CAST(COUNT_IF(orders > 0) AS DOUBLE) / COUNT(*), 4) AS conversion_rate
FROM sessions
WHERE
  dt BETWEEN :from AND :to
GROUP BY
  dt,
  CASE is_new_visitor
    WHEN TRUE
    THEN 'new'
    WHEN FALSE
    THEN 'returning'
    ELSE 'unknown'
  END
ORDER BY
  day,
  visitor
