-- One bill ↔ one proposal: no Odoo bill is the bill of two proposals (stored or matched).
select odoo_move_id, list(proposal_id order by proposal_id) as proposals
from marts.remuneration_proposals
where odoo_move_id is not null
group by odoo_move_id
having count(*) > 1
