-- Suivi subventions — the exercices (financial years) that hold a subsidy, for the « Exercice »
-- choice; the exercice of the build's date (as_of) is always offered.
-- Grain: one row per exercice, newest first.
-- Columns: exercice (the year it starts in), exercice_label ('2025' or '2025-2026'),
--          period_text (how the period filter writes it: '2025', or 'EX2025' when the exercice
--          does not start in January)
with settings as (
    select as_of, fiscal_year_start_month as start_month
    from staging.stg_ref__settings
),
years as (
    select distinct exercice from marts.subsidy_tracking
    union
    select year(marts.exercice_debut(as_of, start_month)) from settings where as_of is not null
)
select years.exercice,
       case when settings.start_month = 1 then cast(years.exercice as varchar)
            else years.exercice || '-' || (years.exercice + 1) end as exercice_label,
       case when settings.start_month = 1 then cast(years.exercice as varchar)
            else 'EX' || years.exercice end as period_text
from years
cross join settings
order by years.exercice desc
