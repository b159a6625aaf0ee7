-- soiree_unattributed_lines — the TiBillet sale lines that belong to no soirée: what
-- marts.soiree_sale_lines could not attribute (to check by hand: a sale on a day without event,
-- a ticket whose price no reservation names, sold on no soirée day).
--
-- Grain: one row per sale line of status V, P, F, R or N absent from marts.soiree_sale_lines.
-- Columns:
--   sale_line_id   TiBillet sale line identifier
--   product_id, product_name, product_category   its product
--   sold_at        when it was sold (UTC)
--   line_day       the soirée day of the line (04:00 pivot)
--   unit_price     euros VAT included
--   quantity       negative for refunds and credit notes
--   amount         unit_price × quantity, to the cent (negative for refunds)
--   vat_rate       its VAT rate (percent)
--   payment_method, status   as TiBillet gives them
--   reason         'aucun évènement ce jour-là' (no event on its soirée day, and for a ticket no
--                  reservation and no product name tie it to one)
select
    sales.sale_line_id,
    sales.product_id,
    sales.product_name,
    sales.product_category,
    sales.sold_at,
    sales.soiree_day                                as line_day,
    sales.unit_price,
    sales.quantity,
    sales.amount,
    sales.vat_rate,
    sales.payment_method,
    sales.status,
    'aucun évènement ce jour-là'                    as reason
from staging.stg_tibillet__sales as sales
where sales.status in ('V', 'P', 'F', 'R', 'N')
  and sales.sale_line_id not in (select sale_line_id from marts.soiree_sale_lines)
order by sales.sold_at, sales.sale_line_id
