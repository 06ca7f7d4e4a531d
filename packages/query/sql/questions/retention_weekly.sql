-- Weekly retention cohorts: of the people first seen in a week (Monday, UTC), how many came back N weeks later.
-- Cohorts from the users table (first_seen); activity from session_people, so every device of a person counts.
-- @param from date = today-84 : First cohort week: the week containing this day (UTC).
-- @param to date = today : Last cohort week: the week containing this day (UTC).
-- @param weeks integer = 8 : Weeks after the cohort week to show (0 is the cohort week itself).
WITH cohorts AS (
  SELECT user_key, CAST(date_trunc('week', first_seen) AS DATE) AS cohort_week
  FROM users
  WHERE CAST(first_seen AS DATE) BETWEEN CAST(date_trunc('week', CAST(:from AS DATE)) AS DATE) AND CAST(:to AS DATE)
),
sizes AS (
  SELECT cohort_week, count(*) AS cohort_size FROM cohorts GROUP BY cohort_week
),
activity AS (
  SELECT DISTINCT c.cohort_week, c.user_key, CAST(date_trunc('week', s.session_start) AS DATE) AS active_week
  FROM cohorts AS c
  JOIN session_people AS s ON s.person_key = c.user_key
)
SELECT
  a.cohort_week,
  z.cohort_size,
  date_diff('week', a.cohort_week, a.active_week) AS week,
  count(*) AS active_people,
  round(CAST(count(*) AS DOUBLE) / z.cohort_size, 4) AS retention
FROM activity AS a
JOIN sizes AS z ON z.cohort_week = a.cohort_week
WHERE date_diff('week', a.cohort_week, a.active_week) BETWEEN 0 AND :weeks
GROUP BY a.cohort_week, z.cohort_size, date_diff('week', a.cohort_week, a.active_week)
ORDER BY cohort_week, week
