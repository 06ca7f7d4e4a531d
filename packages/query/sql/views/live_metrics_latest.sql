-- The latest revision of each minute of live_metrics. The streaming job writes a new row per revision while
-- late events arrive within its watermark; the highest revision is the minute's figure.
SELECT {{columns.live_metrics}}
FROM (
  SELECT
    *,
    row_number() OVER (PARTITION BY minute ORDER BY revision DESC, computed_at DESC) AS revision_rank
  FROM live_metrics
) AS revisions
WHERE revision_rank = 1
