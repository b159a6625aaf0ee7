-- Suivi budgétaire — the books' compte de résultat month by month (classes 6 and 7, posted
-- items: marts.ledger_pnl), only for the root unit, beside the reconciliation.
--
-- Parameters: $unit (rows only when it is the organisation), $date_from (inclusive),
--             $date_to (exclusive), on whole months.
-- Grain: one row per month of the period with posted items on classes 6/7.
-- Columns: month DATE (first day), charges (class 6), produits (class 7),
--          resultat = produits - charges
SELECT month,
       coalesce(sum(amount) FILTER (WHERE account_class = '6'), 0)::DECIMAL(14,2) AS charges,
       coalesce(sum(amount) FILTER (WHERE account_class = '7'), 0)::DECIMAL(14,2) AS produits,
       (coalesce(sum(amount) FILTER (WHERE account_class = '7'), 0)
        - coalesce(sum(amount) FILTER (WHERE account_class = '6'), 0))::DECIMAL(14,2) AS resultat
FROM marts.ledger_pnl
WHERE $unit = (SELECT unit_code FROM ref.units WHERE parent_code IS NULL)
  AND month >= date_trunc('month', CAST($date_from AS DATE))
  AND month < CAST($date_to AS DATE)
GROUP BY month
ORDER BY month
