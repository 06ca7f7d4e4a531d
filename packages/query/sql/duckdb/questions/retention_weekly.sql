-- Generated from sql/questions/retention_weekly.sql by packages/query/transpile (pnpm --filter @shop/query generate). Do not edit.
WITH cohorts AS (
  SELECT
    user_key,
    CAST(DATE_TRUNC('WEEK', first_seen) AS DATE) AS cohort_week
  FROM users
  WHERE
    CAST(first_seen AS DATE) BETWEEN CAST(DATE_TRUNC('WEEK', CAST(:from AS DATE)) AS DATE) AND CAST(:to AS DATE)
), sizes AS (
  SELECT
    cohort_week,
    COUNT(*) AS cohort_size
  FROM cohorts
  GROUP BY
    cohort_week
), activity AS (
  SELECT DISTINCT
    c.cohort_week,
    c.user_key,
    CAST(DATE_TRUNC('WEEK', s.session_start) AS DATE) AS active_week
  FROM cohorts AS c
  JOIN session_people AS s
    ON s.person_key = c.user_key
)
SELECT
  a.cohort_week,
  z.cohort_size,
  DATE_DIFF('WEEK', a.cohort_week, a.active_week) AS week,
  COUNT(*) AS active_people,
  ROUND(CAST(COUNT(*) AS DOUBLE) / z.cohort_size, 4) AS retention
FROM activity AS a
JOIN sizes AS z
  ON z.cohort_week = a.cohort_week
WHERE
  DATE_DIFF('WEEK', a.cohort_week, a.active_week) BETWEEN 0 AND :weeks
GROUP BY
  a.cohort_week,
  z.cohort_size,
  DATE_DIFF('WEEK', a.cohort_week, a.active_week)
ORDER BY
  cohort_week,
  week
