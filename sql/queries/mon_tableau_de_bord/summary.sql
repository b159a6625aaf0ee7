-- Mon tableau de bord — my figures in one row: my co-remuneration by state (what I may earn,
-- what I must invoice, what I wait to be paid, what was paid this exercice) and my volunteering
-- this exercice. Only the signed-in person's rows: every figure is filtered on $email.
-- Parameters: $email.
-- Columns:
--   potential       proposals proposed or validated, not yet invoiced (what I may earn)
--   to_invoice      validated proposals without a bill in Odoo yet (I must invoice them)
--   awaiting_payment  invoiced, not paid yet
--   paid_exercice   paid, mission ending in the current exercice
--   proposals_open  number of proposals proposed, validated or invoiced
--   hours_validated, hours_pending, valuation   my volunteering over the current exercice
--                   (marts.volunteer_hours)
--   exercice        the current exercice
-- include: mon_tableau_de_bord/_me.sql
mine AS (
    SELECT p.status, p.amount,
           year(p.end_date) - CASE WHEN month(p.end_date) >= me.start_month THEN 0 ELSE 1 END AS exercice
    FROM marts.remuneration_proposals AS p, me
    WHERE lower(p.person_email) = me.email
),
remuneration AS (
    SELECT coalesce(sum(amount) FILTER (WHERE status IN ('proposee', 'validee')), 0)::DECIMAL(14, 2) AS potential,
           coalesce(sum(amount) FILTER (WHERE status = 'validee'), 0)::DECIMAL(14, 2) AS to_invoice,
           coalesce(sum(amount) FILTER (WHERE status = 'facturee'), 0)::DECIMAL(14, 2) AS awaiting_payment,
           coalesce(sum(amount) FILTER (WHERE status = 'payee' AND mine.exercice = me.exercice), 0)::DECIMAL(14, 2)
               AS paid_exercice,
           count(*) FILTER (WHERE status IN ('proposee', 'validee', 'facturee')) AS proposals_open
    FROM me
    LEFT JOIN mine ON true
    GROUP BY me.exercice
),
volunteering AS (
    SELECT coalesce(sum(v.hours_validated), 0) AS hours_validated,
           coalesce(sum(v.hours_pending), 0) AS hours_pending,
           coalesce(sum(v.valuation), 0)::DECIMAL(14, 2) AS valuation
    FROM me
    LEFT JOIN marts.volunteer_hours AS v
        ON lower(v.person_email) = me.email AND v.exercice = me.exercice
)
SELECT r.potential, r.to_invoice, r.awaiting_payment, r.paid_exercice, r.proposals_open,
       v.hours_validated, v.hours_pending, v.valuation, me.exercice
FROM remuneration AS r, volunteering AS v, me
