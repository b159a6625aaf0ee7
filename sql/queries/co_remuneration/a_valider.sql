-- Co-rémunération — proposals waiting for a decision (stored status 'proposee'), read from
-- app.remuneration_proposals itself so that the version a decision checks is the current one.
-- The page keeps those of the units the signed-in person may decide on (models.permissions);
-- their own proposals are left out here.
-- Parameters: $email (the signed-in person's, '' for none).
-- Grain: one row per proposal waiting, oldest first.
-- Columns: proposal_id, person_email, person_name, unit_code, unit_name, kind, mission, hours,
--          hourly_rate, amount, start_date, end_date, created_at, row_version
select p.proposal_id, p.person_email,
       coalesce(m.person_name, p.person_email) as person_name,
       p.unit_code, u.name as unit_name, p.kind, p.mission, p.hours, p.hourly_rate, p.amount,
       p.start_date, p.end_date, p.created_at, p.row_version
from app.remuneration_proposals as p
left join marts.remuneration_proposals as m using (proposal_id)
left join ref.units as u on u.unit_code = p.unit_code
where p.status = 'proposee'
  and lower(p.person_email) <> lower(trim($email))
order by p.created_at, p.proposal_id
