-- Mon tableau de bord — my volunteering month by month over the current exercice
-- (marts.volunteer_hours), all units together.
-- Parameters: $email.
-- Grain: one row per month with some volunteering.
-- Columns: month, hours_validated, hours_pending, credits, valuation
-- include: mon_tableau_de_bord/_moi.sql
mine as (
    select v.*
    from marts.volunteer_hours as v, me
    where lower(v.person_email) = me.email and v.exercice = me.exercice
)
select month,
       sum(hours_validated) as hours_validated,
       sum(hours_pending) as hours_pending,
       sum(credits) as credits,
       sum(valuation)::decimal(14, 2) as valuation
from mine
group by month
order by month
