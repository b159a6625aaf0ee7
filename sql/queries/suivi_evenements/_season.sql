-- Suivi évènements — the soirées of the season: those whose day falls in the period and, for a
-- unit other than La Raffinerie (R), booked on that unit or below it (with R, every soirée, those
-- not yet booked on a unit included). Shared by soirees.sql and totals.sql; ends with a comma.
WITH season AS (
    SELECT r.*
    FROM marts.soiree_results AS r
    WHERE r.soiree_day >= CAST($date_from AS DATE)
      AND r.soiree_day < CAST($date_to AS DATE)
      AND ($unit = 'R' OR r.unit_code IN (SELECT unit_code FROM marts.org_rollup WHERE ancestor_code = $unit))
),
