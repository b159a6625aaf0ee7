-- budget_eliminations — les flux internes que chaque nœud de l'arbre élimine : le seul endroit qui
-- dit quelle ligne budgétaire ne compte pas à quel niveau (consolidation).
--
-- Grain: une ligne par (nœud, ligne budgétaire) quand la ligne est un flux interne (un transfert ou
-- une répartition de soirée) dont les deux bouts sont dans le sous-arbre du nœud.
-- Columns:
--   unit_code      le nœud (l'unité dont les chiffres, avec tout ce qui est en dessous, écartent la ligne)
--   line_key       la ligne budgétaire (marts.budget_lines)
--   line_unit      l'unité sur laquelle la ligne est imputée (dans le sous-arbre du nœud)
--   counterpart_unit  l'unité à l'autre bout (dans le sous-arbre du nœud aussi)
--   category_code, direction, month, counts_as  comme dans budget_lines
--   amount         le montant de la ligne, positif dans le sens de la catégorie
-- La règle : un transfert de 300 € de Jardin partagé vers Outils communs est une dépense interne de
-- l'un et une recette interne de l'autre. Jardin partagé voit toujours ses 300 € dépensés (il ne
-- tient qu'un bout : pas de ligne ici pour lui), Outils communs ses 300 € reçus ; La Raffinerie, qui
-- tient les deux, a les deux lignes ici : au sein de l'organisation c'est le même argent.
-- budget_rollup (le Suivi budgétaire, le Tableau de bord) et l'Explorateur lisent ce mart plutôt
-- que de redire la règle.
select
    rollup.ancestor_code      as unit_code,
    lines.line_key,
    lines.unit_code           as line_unit,
    lines.counterpart_unit,
    lines.category_code,
    lines.direction,
    lines.month,
    lines.counts_as,
    lines.amount
from marts.budget_lines as lines
join marts.org_rollup as rollup
    on rollup.unit_code = lines.unit_code
join marts.org_rollup as other_end
    on other_end.ancestor_code = rollup.ancestor_code
   and other_end.unit_code = lines.counterpart_unit
order by unit_code, line_key
