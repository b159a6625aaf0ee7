-- soiree_products — ce que chaque soirée a vendu, par famille, produit et tarif.
--
-- Grain: une ligne par évènement × famille × produit × tarif (marts.soiree_sale_lines).
-- Columns:
--   event_id, family ('billet' | 'bar' | 'adhesion' | 'recharge'), product_id, product_name,
--   price_name
--   quantity      unités vendues, nettes : lignes V, P et F (les réservations gratuites comptent
--                 comme billets) plus les lignes R et N négatives. Pour les billets : le nombre de billets.
--   gross         ventes confirmées (V), en euros TTC
--   refunds       remboursements et avoirs (R, N), négatifs
--   net           gross + refunds
--   cashless_net  la part du net payée en monnaie locale cashless (moyens de paiement LE / LG)
--   lines         lignes de vente
with lines as (
    select * from marts.soiree_sale_lines
)

select
    event_id,
    family,
    product_id,
    -- a product renamed in TiBillet: its name on its latest line (sale line id for a tie), the
    -- same at every build (any_value would pick one name or the other)
    arg_max(product_name, (sold_at, sale_line_id))                                 as product_name,
    price_name,
    sum(quantity)::decimal(14, 2)                                                  as quantity,
    coalesce(sum(amount) filter (where status = 'V'), 0)::decimal(14, 2)           as gross,
    coalesce(sum(amount) filter (where status in ('R', 'N')), 0)::decimal(14, 2)   as refunds,
    coalesce(sum(amount) filter (where status in ('V', 'R', 'N')), 0)::decimal(14, 2) as net,
    coalesce(sum(amount) filter (where status in ('V', 'R', 'N') and is_cashless), 0)::decimal(14, 2)
                                                                                   as cashless_net,
    count(*)                                                                       as lines
from lines
group by event_id, family, product_id, price_name
