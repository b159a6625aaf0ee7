-- Co-rémunération — my proposals: every proposal of one person (by e-mail), whatever the unit
-- or period, with its effective status and, once invoiced, its bill.
-- Parameters: $email (the signed-in member's).
-- Grain: one row per proposal, newest mission first.
-- Columns: as co_remuneration/propositions.sql
select p.proposal_id, p.person_email, p.person_name, p.unit_code, p.unit_name, p.kind, p.mission,
       p.hours, p.hourly_rate, p.amount, p.start_date, p.end_date, p.status, p.decided_by,
       p.decided_at, p.decision_comment, p.odoo_move_id, p.odoo_move_name, p.invoice_date,
       p.paid_on, p.match, p.match_note
from marts.remuneration_proposals as p
where lower(p.person_email) = lower(trim($email))
order by p.end_date desc, p.proposal_id desc
