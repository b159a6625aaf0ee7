-- The effective status of a proposal is one of the five and follows what it rests on:
-- « facturée » / « payée » never stand on a proposal nobody validated, an ambiguous match
-- attaches no bill, a matched or attached one names it.
select proposal_id, status, stored_status, odoo_move_id, match
from marts.remuneration_proposals
where status not in ('proposee', 'validee', 'refusee', 'facturee', 'payee')
   or (status in ('validee', 'facturee', 'payee') and stored_status not in ('validee', 'facturee', 'payee'))
   or (match = 'ambigue' and odoo_move_id is not null)
   or (match in ('rattachee', 'automatique') and odoo_move_id is null)
