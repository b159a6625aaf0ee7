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
select direction,
       sum(ledger)::decimal(14,2) as ledger,
       sum(analytique)::decimal(14,2) as analytique,
       sum(non_affecte)::decimal(14,2) as non_affecte,
       sum(hors_categories)::decimal(14,2) as hors_categories,
       sum(sans_ecriture)::decimal(14,2) as sans_ecriture,
       sum(interne)::decimal(14,2) as interne,
       sum(elimine)::decimal(14,2) as elimine,
       sum(reel_budget)::decimal(14,2) as reel_budget,
       sum(ecart)::decimal(14,2) as ecart
from marts.ledger_reconciliation
where $unit = (select unit_code from ref.units where parent_code is null)
  and month >= date_trunc('month', cast($date_from as date))
  and month < cast($date_to as date)
group by direction
order by case direction when 'depense' then 0 else 1 end
