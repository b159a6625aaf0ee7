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
-- include: mon_tableau_de_bord/_moi.sql
mine as (
    select p.status, p.amount,
           year(marts.exercice_debut(p.end_date, me.start_month)) as exercice
    from marts.remuneration_proposals as p, me
    where lower(p.person_email) = me.email
),
remuneration as (
    select coalesce(sum(amount) filter (where status in ('proposee', 'validee')), 0)::decimal(14, 2) as potential,
           coalesce(sum(amount) filter (where status = 'validee'), 0)::decimal(14, 2) as to_invoice,
           coalesce(sum(amount) filter (where status = 'facturee'), 0)::decimal(14, 2) as awaiting_payment,
           coalesce(sum(amount) filter (where status = 'payee' and mine.exercice = me.exercice), 0)::decimal(14, 2)
               as paid_exercice,
           count(*) filter (where status in ('proposee', 'validee', 'facturee')) as proposals_open
    from me
    left join mine on true
    group by me.exercice
),
volunteering as (
    select coalesce(sum(v.hours_validated), 0) as hours_validated,
           coalesce(sum(v.hours_pending), 0) as hours_pending,
           coalesce(sum(v.valuation), 0)::decimal(14, 2) as valuation
    from me
    left join marts.volunteer_hours as v
        on lower(v.person_email) = me.email and v.exercice = me.exercice
)
select r.potential, r.to_invoice, r.awaiting_payment, r.paid_exercice, r.proposals_open,
       v.hours_validated, v.hours_pending, v.valuation, me.exercice
from remuneration as r, volunteering as v, me
