-- Suivi budgétaire — the organisation's « réel » reconciled with the books (classes 6/7), for
-- the period; only for the root unit (a pôle's figures are not a ledger).
--
-- Parameters: $unit (rows only when it is the organisation), $date_from (inclusive),
--             $date_to (exclusive), on whole months as in recap.sql.
-- Grain: one row per direction ('depense' then 'recette').
-- Columns (marts.ledger_reconciliation, summed over the months):
--   direction, ledger (the books), analytique (counted on units), non_affecte (on no unit),
--   hors_categories (classes 6/7 of no budget category), sans_ecriture (analytic amounts with
--   no class 6/7 posted item), interne (internal flows), elimine (internal flows eliminated),
--   reel_budget (the organisation's réel), ecart = reel_budget - ledger
SELECT direction,
       sum(ledger)::DECIMAL(14,2) AS ledger,
       sum(analytique)::DECIMAL(14,2) AS analytique,
       sum(non_affecte)::DECIMAL(14,2) AS non_affecte,
       sum(hors_categories)::DECIMAL(14,2) AS hors_categories,
       sum(sans_ecriture)::DECIMAL(14,2) AS sans_ecriture,
       sum(interne)::DECIMAL(14,2) AS interne,
       sum(elimine)::DECIMAL(14,2) AS elimine,
       sum(reel_budget)::DECIMAL(14,2) AS reel_budget,
       sum(ecart)::DECIMAL(14,2) AS ecart
FROM marts.ledger_reconciliation
WHERE $unit = (SELECT unit_code FROM ref.units WHERE parent_code IS NULL)
  AND month >= date_trunc('month', CAST($date_from AS DATE))
  AND month < CAST($date_to AS DATE)
GROUP BY direction
ORDER BY CASE direction WHEN 'depense' THEN 0 ELSE 1 END
