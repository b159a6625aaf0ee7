-- Suivi volontariat — participations waiting for an Oceco admin's validation (finishedBy =
-- toModerate), on the unit and below, counted on a day before the end of the period: an old one
-- still waiting is listed too.
-- Parameters: $unit, $date_to (exclusive).
-- Grain: one row per (action, contributor), oldest first.
-- Columns: day, action_id, action_name, person_name, unit_code, unit_name, hours
SELECT c.day,
       c.action_id,
       c.action_name,
       c.person_name,
       c.unit_code,
       u.name        AS unit_name,
       c.hours
FROM marts.volunteer_contributions AS c
LEFT JOIN ref.units AS u ON u.unit_code = c.unit_code
WHERE c.state = 'pending'
  AND c.unit_code IN (SELECT unit_code FROM marts.org_rollup WHERE ancestor_code = $unit)
  AND c.day < CAST($date_to AS DATE)
ORDER BY c.day, c.action_name, c.person_name
