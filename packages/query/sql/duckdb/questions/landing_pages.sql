-- Generated from sql/questions/landing_pages.sql by packages/query/transpile (pnpm --filter @shop/query generate). Do not edit.
SELECT
  COALESCE(landing_page, '(none)') AS landing_page,
  COUNT(*) AS sessions,
  COUNT_IF(is_bounce) AS bounces,
  ROUND(CAST(COUNT_IF(is_bounce) AS DOUBLE) / COUNT(*), 4) AS bounce_rate,
  ROUND(AVG(duration_seconds), 1) AS avg_duration_seconds
FROM sessions
WHERE
  dt BETWEEN :from AND :to
  AND (
    :device IS NULL OR device_type = :device
  )
GROUP BY
  COALESCE(landing_page, '(none)')
ORDER BY
  sessions DESC,
  landing_page
LIMIT :limit
