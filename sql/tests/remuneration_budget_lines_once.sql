-- A proposal counts in the budget at most once: as « à valider » or « engagé » (budget_lines,
-- 'alambic:proposal:<id>') only while no Odoo bill stands for it, its bill counting instead.
select lines.line_key, proposals.status, proposals.odoo_move_id
from marts.budget_lines as lines
join marts.remuneration_proposals as proposals
    on lines.line_key = 'alambic:proposal:' || proposals.proposal_id
where proposals.status not in ('proposee', 'validee')
   or (proposals.odoo_move_id is not null and proposals.status <> 'validee')
   or lines.amount <> proposals.amount
