-- budget_vs_actual's engage and reel add up to the budget lines, per unit and category.
with lines as (
    select
        unit_code, category_code,
        sum(amount) filter (where counts_as = 'reel')   as reel,
        sum(amount) filter (where counts_as = 'engage') as engage
    from marts.budget_lines
    group by unit_code, category_code
),

actual as (
    select unit_code, category_code, sum(reel) as reel, sum(engage) as engage
    from marts.budget_vs_actual
    group by unit_code, category_code
)

select *
from lines
full outer join actual using (unit_code, category_code)
where coalesce(lines.reel, 0) <> coalesce(actual.reel, 0)
   or coalesce(lines.engage, 0) <> coalesce(actual.engage, 0)
