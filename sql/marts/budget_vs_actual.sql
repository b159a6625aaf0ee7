-- budget_vs_actual — prévisionnel, engagé et réel côte à côte, par unité, catégorie et mois.
--
-- Grain: une ligne par unité × catégorie budgétaire × mois dès qu'un montant est non nul. L'unité
-- est celle sur laquelle le montant est imputé : pas de cumul ici (cumuler avec org_rollup).
-- Columns:
--   unit_code (l'unité), category_code (la catégorie budgétaire), direction ('depense' | 'recette'),
--   month (premier jour du mois)
--   previsionnel  les prévisions (app.forecasts) du mois : une prévision est répartie également sur
--                 les mois de sa période, montant / nombre de mois arrondi au centime, le dernier
--                 mois prenant le reste pour que le total soit exact
--                 (1 200 € sur un trimestre → 400 € par mois)
--   engage        somme des budget_lines comptées 'engage' (brouillons Odoo, propositions validées)
--   reel          somme des budget_lines comptées 'reel' (lignes analytiques Odoo, transferts)
--   theorique     previsionnel × la part écoulée du mois à la date de construction
--                 (stg_ref__settings as_of) : 1 pour les mois passés, jour de as_of / jours du mois pour
--                 le mois en cours, 0 pour les mois suivants — le « montant théorique » des
--                 budgets Odoo
--   ecart         reel − previsionnel
--   pct_consomme  reel + engage rapporté au previsionnel (DOUBLE ; NULL sans prévision) : la macro
--                 marts.pct_consomme de sql/macros/figures.sql, comme sur chaque page
--   depassement   pour une catégorie de dépense : reel + engage > previsionnel (marts.depassement)
-- Tous les montants en DECIMAL(14,2), positifs dans le sens de la catégorie.

with settings as (
    select as_of
    from staging.stg_ref__settings
),

-- one row per forecast and month of its period
forecast_months as (
    select
        forecasts.forecast_id,
        forecasts.unit_code,
        forecasts.category_code,
        forecasts.amount,
        months.month::date                                                  as month,
        count(*) over (partition by forecasts.forecast_id)                  as month_count,
        row_number() over (partition by forecasts.forecast_id order by months.month) as month_number
    from app.forecasts as forecasts,
        unnest(generate_series(
            date_trunc('month', forecasts.period_start)::timestamp,
            date_trunc('month', forecasts.period_end)::timestamp,
            interval 1 month
        )) as months(month)
),

forecast_spread as (
    -- (1 / month_count is made a DECIMAL so that the rounding to the cent is done in decimal
    -- arithmetic, half away from zero, not on a binary floating-point number)
    select
        unit_code,
        category_code,
        month,
        case
            when month_number < month_count
                then round(amount * (1 / month_count)::decimal(38, 20), 2)
            -- the last month takes what is left, so that the months add up to the amount
            else amount - round(amount * (1 / month_count)::decimal(38, 20), 2) * (month_count - 1)
        end::decimal(14, 2) as previsionnel
    from forecast_months
),

amounts as (
    select unit_code, category_code, month,
           previsionnel, 0 as engage, 0 as reel
    from forecast_spread

    union all

    select unit_code, category_code, month,
           0 as previsionnel,
           case when counts_as = 'engage' then amount else 0 end as engage,
           case when counts_as = 'reel'   then amount else 0 end as reel
    from marts.budget_lines
),

by_month as (
    select
        unit_code,
        category_code,
        month,
        sum(previsionnel)::decimal(14, 2) as previsionnel,
        sum(engage)::decimal(14, 2)       as engage,
        sum(reel)::decimal(14, 2)         as reel
    from amounts
    group by unit_code, category_code, month
),

with_elapsed as (
    select
        by_month.*,
        categories.direction,
        -- the elapsed part of the month at as_of, as a DECIMAL (see forecast_spread)
        case
            when by_month.month < date_trunc('month', settings.as_of) then 1
            when by_month.month > settings.as_of                      then 0
            else day(settings.as_of) / day(last_day(by_month.month))
        end::decimal(38, 20) as elapsed_fraction
    from by_month
    cross join settings
    left join ref.categories as categories using (category_code)
)

select
    unit_code,
    category_code,
    direction,
    month,
    previsionnel,
    engage,
    reel,
    round(previsionnel * elapsed_fraction, 2)::decimal(14, 2)          as theorique,
    (reel - previsionnel)::decimal(14, 2)                              as ecart,
    marts.pct_consomme(reel, engage, previsionnel)                     as pct_consomme,
    marts.depassement(direction, reel, engage, previsionnel)           as depassement
from with_elapsed
where previsionnel <> 0 or engage <> 0 or reel <> 0
order by unit_code, category_code, month
