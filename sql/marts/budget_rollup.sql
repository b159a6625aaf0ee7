-- budget_rollup — les chiffres budgétaires de chaque unité AVEC tout ce qui est en dessous, flux
-- internes éliminés : ce que le Suivi budgétaire montre pour une unité.
--
-- Grain: une ligne par (unité, catégorie budgétaire, mois) dès qu'un montant est non nul.
-- Columns:
--   unit_code      l'unité à laquelle les chiffres sont cumulés (tout son sous-arbre compte)
--   category_code, direction, month  comme dans budget_vs_actual
--   previsionnel   prévisions du sous-arbre
--   engage         engagé du sous-arbre
--   reel           réel du sous-arbre, flux internes entre deux unités du sous-arbre éliminés
--   elimine        les flux internes éliminés ici (transferts et répartitions de soirée dont les
--                  deux bouts sont dans le sous-arbre), positifs dans le sens de la catégorie
-- Élimination (consolidation) : un transfert de 300 € de Jardin partagé vers Outils communs est une
-- dépense interne de l'un et une recette interne de l'autre. Jardin partagé voit toujours ses
-- 300 € dépensés, Outils communs ses 300 € reçus ; La Raffinerie, qui tient les deux, ne voit ni
-- l'un ni l'autre : au sein de l'organisation c'est le même argent. Quelle ligne est éliminée où
-- est dit une seule fois, dans marts.budget_eliminations.
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
