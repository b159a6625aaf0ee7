-- Suivi évènements — what one soirée sold, by family, product and price (marts.soiree_products),
-- each family followed by its total line (is_total).
-- Parameters: $event, $families (comma-separated families: 'billet', 'bar,recharge', 'adhesion').
-- Columns: family, product_name, price_name, quantity, gross, refunds, net, cashless_net, is_total
SELECT family, product_name, price_name, quantity, gross, refunds, net, cashless_net, false AS is_total
FROM marts.soiree_products
WHERE event_id = $event AND list_contains(string_split($families, ','), family)
UNION ALL
SELECT family, NULL, NULL, sum(quantity), sum(gross), sum(refunds), sum(net), sum(cashless_net), true
FROM marts.soiree_products
WHERE event_id = $event AND list_contains(string_split($families, ','), family)
GROUP BY family
ORDER BY family, is_total, product_name, price_name
