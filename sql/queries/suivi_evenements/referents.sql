-- Suivi évènements — the référent·es of one soirée (app.event_referents).
-- Parameters: $event.
-- Columns: referent_id, person_email, unit_code, unit_name, created_by, row_version
SELECT e.referent_id, e.person_email, e.unit_code, u.name AS unit_name, e.created_by, e.row_version
FROM app.event_referents AS e
LEFT JOIN ref.units AS u USING (unit_code)
WHERE e.event_id = $event
ORDER BY e.person_email, e.referent_id
