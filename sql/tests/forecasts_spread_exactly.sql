-- Spreading forecasts over months loses no cent: per unit and category, the months of
-- budget_vs_actual add up to the forecasts of app.forecasts.
with entered as (
    select unit_code, category_code, sum(amount) as previsionnel
    from app.forecasts
    group by unit_code, category_code
),

spread as (
    select unit_code, category_code, sum(previsionnel) as previsionnel
    from marts.budget_vs_actual
    group by unit_code, category_code
)

select *
from entered
full outer join spread using (unit_code, category_code)
where coalesce(entered.previsionnel, 0) <> coalesce(spread.previsionnel, 0)
