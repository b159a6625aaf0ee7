-- budget_rollup — the budget figures of each unit WITH everything below it, internal flows
-- eliminated: what the Suivi budgétaire shows for a unit.
--
-- Grain: one row per (unit, budget category, month) where any amount is non-zero.
-- Columns:
--   unit_code      the unit the figures are rolled up to (its whole subtree counts)
--   category_code, direction, month  as in budget_vs_actual
--   previsionnel   forecasts of the subtree
--   engage         committed, of the subtree
--   reel           real, of the subtree, internal flows between two units of the subtree
--                  eliminated
--   elimine        the internal flows eliminated here (transfers and soirée dispatches whose
--                  two ends are in the subtree), positive in the category's direction
-- Elimination (consolidation): a transfer of 300 € from Jardin partagé to Outils communs is a
-- dépense interne of the one and a recette interne of the other. Jardin partagé still sees its
-- 300 € spent, Outils communs its 300 € received; La Raffinerie, which holds both, sees neither:
-- inside the organisation it is the same money. Which line is eliminated where is said once, in
-- marts.budget_eliminations.
with lines as (
    select
        rollup.ancestor_code                 as unit_code,
        lines.category_code,
        lines.direction,
        lines.month,
        lines.counts_as,
        lines.amount,
        eliminated.line_key is not null      as is_eliminated
    from marts.budget_lines as lines
    join marts.org_rollup as rollup
        on rollup.unit_code = lines.unit_code
    -- which lines the node eliminates: marts.budget_eliminations, the one place of the rule
    left join marts.budget_eliminations as eliminated
        on eliminated.unit_code = rollup.ancestor_code
       and eliminated.line_key = lines.line_key
),

amounts as (
    select unit_code, category_code, direction, month,
           0 as previsionnel,
           case when counts_as = 'engage' then amount else 0 end as engage,
           case when counts_as = 'reel' and not is_eliminated then amount else 0 end as reel,
           case when counts_as = 'reel' and is_eliminated then amount else 0 end as elimine
    from lines

    union all

    select rollup.ancestor_code, actual.category_code, actual.direction, actual.month,
           actual.previsionnel, 0, 0, 0
    from marts.budget_vs_actual as actual
    join marts.org_rollup as rollup
        on rollup.unit_code = actual.unit_code
    where actual.previsionnel <> 0
)

select
    unit_code,
    category_code,
    direction,
    month,
    sum(previsionnel)::decimal(14, 2) as previsionnel,
    sum(engage)::decimal(14, 2)       as engage,
    sum(reel)::decimal(14, 2)         as reel,
    sum(elimine)::decimal(14, 2)      as elimine
from amounts
group by all
having sum(previsionnel) <> 0 or sum(engage) <> 0 or sum(reel) <> 0 or sum(elimine) <> 0
order by unit_code, category_code, month
