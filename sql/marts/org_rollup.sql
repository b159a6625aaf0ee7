-- org_rollup — quelles unités chaque unité contient (table de fermeture de l'arbre de l'organisation).
--
-- Grain: une ligne par (ancêtre, unité en dessous ou elle-même).
-- Columns:
--   ancestor_code  l'unité à laquelle les chiffres sont cumulés
--   unit_code      une unité qu'elle contient (l'unité elle-même comprise)
--   distance       combien de niveaux sous l'ancêtre (0 : l'unité elle-même)
--
-- Un chiffre de l'unité U cumulé = la somme, sur les lignes où ancestor_code = U, du chiffre
-- imputé sur unit_code. P. ex. le réel du pôle Potager = somme de budget_vs_actual.reel joint sur
-- org_rollup.unit_code où org_rollup.ancestor_code = '303'.
with recursive closure as (
    -- every unit is its own ancestor, at distance 0
    select unit_code as ancestor_code, unit_code, 0 as distance
    from ref.units

    union all

    -- then one level up at a time
    select parent.parent_code as ancestor_code, closure.unit_code, closure.distance + 1
    from closure
    join ref.units as parent
        on parent.unit_code = closure.ancestor_code
    where parent.parent_code is not null
)

select ancestor_code, unit_code, distance
from closure
order by ancestor_code, distance, unit_code
