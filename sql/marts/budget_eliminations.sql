-- budget_eliminations — the internal flows each node of the tree eliminates: the one place that
-- says which budget line does not count at which level (consolidation).
--
-- Grain: one row per (node, budget line) where the line is an internal flow (a transfer or a
-- soirée dispatch) whose two ends are both in the node's subtree.
-- Columns:
--   unit_code      the node (the unit whose figures, with everything below it, leave the line out)
--   line_key       the budget line (marts.budget_lines)
--   line_unit      the unit the line is booked on (inside the node's subtree)
--   counterpart_unit  the unit at the other end (inside the node's subtree too)
--   category_code, direction, month, counts_as  as in budget_lines
--   amount         the line's amount, positive in the category's direction
-- The rule: a transfer of 300 € from Jardin partagé to Outils communs is a dépense interne of the
-- one and a recette interne of the other. Jardin partagé still sees its 300 € spent (it holds one
-- end only: no row for it here), Outils communs its 300 € received; La Raffinerie, which holds
-- both, has the two lines here: inside the organisation it is the same money. budget_rollup (the
-- Suivi budgétaire, the Tableau de bord) and the Explorateur read this mart rather than saying
-- the rule again.
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
