-- soiree_products — what each soirée sold, by family, product and price.
--
-- Grain: one row per event × family × product × price (marts.soiree_sale_lines).
-- Columns:
--   event_id, family ('billet' | 'bar' | 'adhesion' | 'recharge'), product_id, product_name,
--   price_name
--   quantity      units sold, net: V, P and F lines (free bookings count as tickets) plus the
--                 negative R and N lines. For tickets: the number of tickets.
--   gross         confirmed sales (V), euros VAT included
--   refunds       refunds and credit notes (R, N), negative
--   net           gross + refunds
--   cashless_net  the part of net paid with the cashless token (payment methods LE / LG)
--   lines         sale lines
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
