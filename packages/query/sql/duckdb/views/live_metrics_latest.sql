-- Generated from sql/views/live_metrics_latest.sql by packages/query/transpile (pnpm --filter @shop/query generate). Do not edit.
SELECT
  {{columns.live_metrics}}
FROM (
  SELECT
    *,
    ROW_NUMBER() OVER (PARTITION BY minute ORDER BY revision DESC, computed_at DESC) AS revision_rank
  FROM live_metrics
) AS revisions
WHERE
  revision_rank = 1
