-- Suivi volontariat — participations waiting for an Oceco admin's validation (finishedBy =
-- toModerate), on the unit and below, counted on a day before the end of the period: an old one
-- still waiting is listed too.
-- Parameters: $unit, $date_to (exclusive).
-- Grain: one row per (action, contributor), oldest first.
-- Columns: day, action_id, action_name, person_name, unit_code, unit_name, hours
select c.day,
       c.action_id,
       c.action_name,
       c.person_name,
       c.unit_code,
       u.name        as unit_name,
       c.hours
from marts.volunteer_contributions as c
left join ref.units as u on u.unit_code = c.unit_code
where c.state = 'pending'
  and c.unit_code in (select unit_code from marts.org_rollup where ancestor_code = $unit)
  and c.day < cast($date_to as date)
order by c.day, c.action_name, c.person_name
