-- Suivi évènements — the TiBillet sale lines of the period that belong to no soirée
-- (marts.soiree_unattributed_lines), to check by hand.
-- Parameters: $date_from, $date_to (the period: the line's soirée day within it).
-- Columns: sold_at, line_day, product_name, product_category, unit_price, quantity, amount,
--          vat_rate, status, reason
SELECT sold_at, line_day, product_name, product_category, unit_price, quantity, amount, vat_rate, status, reason
FROM marts.soiree_unattributed_lines
WHERE line_day >= CAST($date_from AS DATE)
  AND line_day < CAST($date_to AS DATE)
ORDER BY sold_at, sale_line_id
