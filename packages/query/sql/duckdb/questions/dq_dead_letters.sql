-- Generated from sql/questions/dq_dead_letters.sql by packages/query/transpile (pnpm --filter @shop/query generate). Do not edit.
SELECT
  dt AS day,
  stage,
  reason ->> '$.code' AS reason_code,
  COUNT(*) AS dead_letters
FROM dead_letters
WHERE
  dt BETWEEN :from AND :to
GROUP BY
  dt,
  stage,
  reason ->> '$.code'
ORDER BY
  day,
  dead_letters DESC,
  stage,
  reason_code
