-- Suivi budgétaire — récap by budget category, for one direction (dépenses or recettes).
--
-- Parameters: $unit (unit code; its whole subtree is counted, through marts.org_rollup),
--             $date_from (first day, inclusive), $date_to (day after the last one, exclusive),
--             $direction ('depense' | 'recette').
-- Grain: one row per category of that direction (every category, even without figures),
--        then one total row (is_total = true).
-- Columns:
--   category_code, label, sort, is_total
--   previsionnel   forecast
--   engage         committed, not yet real (à valider, à facturer, à payer, à encaisser)
--   reel           real: dépensé for expenses, encaissé for income
--   reste          reste à dépenser = previsionnel - reel - engage (expenses)
--                  reste à encaisser = previsionnel - reel (income)
--   pct_consomme   marts.pct_consomme: (reel + engage) / previsionnel, as a ratio (0.125 = 12,5 %);
--                  NULL without forecast
--   depassement    marts.depassement: a dépense category spent or committed beyond its forecast
--                  (never for a recette)
--   montant_depassement  marts.montant_depassement: by how much (0 without overrun)
--   alerte         'depassement' | 'hors_previsionnel' (an overrun without any forecast) | NULL
with figures as (
    select category_code,
           sum(previsionnel) as previsionnel,
           sum(engage) as engage,
           sum(reel) as reel
    from marts.budget_rollup  -- the unit and its subtree, internal flows inside it eliminated
    where unit_code = $unit
      and month >= date_trunc('month', cast($date_from as date))
      and month < cast($date_to as date)
      and direction = $direction
    group by category_code
),
per_category as (
    select c.category_code,
           c.label,
           c.sort,
           false as is_total,
           coalesce(f.previsionnel, 0)::decimal(14,2) as previsionnel,
           coalesce(f.engage, 0)::decimal(14,2) as engage,
           coalesce(f.reel, 0)::decimal(14,2) as reel
    from ref.categories as c
    left join figures as f using (category_code)
    where c.direction = $direction
),
with_total as (
    select * from per_category
    union all
    select null, 'Total', 1000000, true, sum(previsionnel), sum(engage), sum(reel)
    from per_category
)
select category_code,
       label,
       sort,
       is_total,
       previsionnel,
       engage,
       reel,
       case when $direction = 'depense' then previsionnel - reel - engage
            else previsionnel - reel end as reste,
       marts.pct_consomme(reel, engage, previsionnel) as pct_consomme,
       marts.depassement($direction, reel, engage, previsionnel) as depassement,
       marts.montant_depassement($direction, reel, engage, previsionnel) as montant_depassement,
       case when not marts.depassement($direction, reel, engage, previsionnel) then null
            when previsionnel = 0 then 'hors_previsionnel'
            else 'depassement' end as alerte
from with_total
order by is_total, sort, category_code
