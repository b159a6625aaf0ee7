-- Co-rémunération — the proposals of a unit (and the units under it) whose mission ends in the
-- period, with their effective status (marts.remuneration_proposals).
-- Parameters: $unit, $date_from (inclusive), $date_to (exclusive) — on the mission's end date.
-- Grain: one row per proposal, newest mission first.
-- Columns: proposal_id, person_email, person_name, unit_code, unit_name, kind, mission, hours,
--          hourly_rate, amount, start_date, end_date, status, decided_by, decided_at,
--          decision_comment, odoo_move_id, odoo_move_name, invoice_date, paid_on, match, match_note
select p.proposal_id, p.person_email, p.person_name, p.unit_code, p.unit_name, p.kind, p.mission,
       p.hours, p.hourly_rate, p.amount, p.start_date, p.end_date, p.status, p.decided_by,
       p.decided_at, p.decision_comment, p.odoo_move_id, p.odoo_move_name, p.invoice_date,
       p.paid_on, p.match, p.match_note
from marts.remuneration_proposals as p
where p.unit_code in (select unit_code from marts.org_rollup where ancestor_code = $unit)
  and p.end_date >= cast($date_from as date)
  and p.end_date < cast($date_to as date)
order by p.end_date desc, p.proposal_id desc
