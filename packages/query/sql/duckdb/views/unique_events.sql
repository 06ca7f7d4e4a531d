-- Generated from sql/views/unique_events.sql by packages/query/transpile (pnpm --filter @shop/query generate). Do not edit.
SELECT
  {{columns.events}}
FROM (
  SELECT
    *,
    ROW_NUMBER() OVER (PARTITION BY {{dedup.events.key}} ORDER BY {{dedup.events}}) AS copy_rank
  FROM events
) AS copies
WHERE
  copy_rank = 1
