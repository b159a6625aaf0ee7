-- Suivi volontariat — the rows of marts.volunteer_hours the filters select: the unit and every
-- unit below it, the months of the period ($date_from inclusive, $date_to exclusive).
shown AS (
    SELECT *
    FROM marts.volunteer_hours
    WHERE unit_code IN (SELECT unit_code FROM marts.org_rollup WHERE ancestor_code = $unit)
      AND month >= date_trunc('month', CAST($date_from AS DATE))
      AND month < CAST($date_to AS DATE)
)
