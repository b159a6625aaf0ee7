-- Suivi évènements — one soirée's figures (marts.soiree_results), for its detail.
-- Parameters: $event (TiBillet event identifier).
-- Columns: every column of marts.soiree_results, then unit_label
SELECT r.*,
       CASE WHEN r.unit_code IS NULL THEN '' ELSE r.unit_name || ' (' || r.unit_code || ')' END AS unit_label
FROM marts.soiree_results AS r
WHERE r.event_id = $event
