-- Suivi évènements — the season view: one row per soirée of the period, with the figures that
-- compare them (marts.soiree_results; which soirées: _season.sql).
-- Parameters: $unit, $date_from (inclusive), $date_to (exclusive).
-- Columns: every column of marts.soiree_results, then unit_label (« Name (code) » or '')
-- include: suivi_evenements/_season.sql
shown AS (
    SELECT season.*,
           CASE WHEN unit_code IS NULL THEN '' ELSE unit_name || ' (' || unit_code || ')' END AS unit_label
    FROM season
)
SELECT * FROM shown
ORDER BY start_at, event_id
