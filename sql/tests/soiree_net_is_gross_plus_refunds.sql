-- Every soirée figure in euros: net = gross + refunds (refunds and credit notes are negative).
-- Returns the rows that break it.
select 'soiree_sales' as mart, event_id, null as product_id, gross, refunds, net
from marts.soiree_sales
where net <> gross + refunds
union all
select 'soiree_products', event_id, product_id, gross, refunds, net
from marts.soiree_products
where net <> gross + refunds
union all
select 'soiree_results', event_id, null, ticket_gross, ticket_refunds, ticket_net
from marts.soiree_results
where ticket_net <> ticket_gross + ticket_refunds
