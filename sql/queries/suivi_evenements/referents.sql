-- Suivi évènements — the référent·es of one soirée (app.event_referents).
-- Parameters: $event.
-- Columns: referent_id, person_email, unit_code, unit_name, created_by, row_version
select e.referent_id, e.person_email, e.unit_code, u.name as unit_name, e.created_by, e.row_version
from app.event_referents as e
left join ref.units as u using (unit_code)
where e.event_id = $event
order by e.person_email, e.referent_id
