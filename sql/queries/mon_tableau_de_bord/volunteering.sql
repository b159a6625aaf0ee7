-- Mon tableau de bord — my volunteering month by month over the current exercice
-- (marts.volunteer_hours), all units together.
-- Parameters: $email.
-- Grain: one row per month with some volunteering.
-- Columns: month, hours_validated, hours_pending, credits, valuation
-- include: mon_tableau_de_bord/_me.sql
mine AS (
    SELECT v.*
    FROM marts.volunteer_hours AS v, me
    WHERE lower(v.person_email) = me.email AND v.exercice = me.exercice
)
SELECT month,
       sum(hours_validated) AS hours_validated,
       sum(hours_pending) AS hours_pending,
       sum(credits) AS credits,
       sum(valuation)::DECIMAL(14, 2) AS valuation
FROM mine
GROUP BY month
ORDER BY month
