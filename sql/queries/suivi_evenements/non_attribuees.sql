-- Suivi évènements — the TiBillet sale lines of the period that belong to no soirée
-- (marts.soiree_unattributed_lines), to check by hand.
-- Parameters: $date_from, $date_to (the period: the line's soirée day within it).
-- Columns: sold_at, line_day, product_name, product_category, unit_price, quantity, amount,
--          vat_rate, status, reason
select sold_at, line_day, product_name, product_category, unit_price, quantity, amount, vat_rate, status, reason
from marts.soiree_unattributed_lines
where line_day >= cast($date_from as date)
  and line_day < cast($date_to as date)
order by sold_at, sale_line_id
