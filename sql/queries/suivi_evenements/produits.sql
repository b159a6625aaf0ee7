-- Suivi évènements — what one soirée sold, by family, product and price (marts.soiree_products),
-- each family followed by its total line (is_total).
-- Parameters: $event, $families (comma-separated families: 'billet', 'bar,recharge', 'adhesion').
-- Columns: family, product_name, price_name, quantity, gross, refunds, net, cashless_net, is_total
select family, product_name, price_name, quantity, gross, refunds, net, cashless_net, false as is_total
from marts.soiree_products
where event_id = $event and list_contains(string_split($families, ','), family)
union all
select family, null, null, sum(quantity), sum(gross), sum(refunds), sum(net), sum(cashless_net), true
from marts.soiree_products
where event_id = $event and list_contains(string_split($families, ','), family)
group by family
order by family, is_total, product_name, price_name
