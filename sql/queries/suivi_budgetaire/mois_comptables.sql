-- Suivi budgétaire — the books' compte de résultat month by month (classes 6 and 7, posted
-- items: marts.ledger_pnl), only for the root unit, beside the reconciliation.
--
-- Parameters: $unit (rows only when it is the organisation), $date_from (inclusive),
--             $date_to (exclusive), on whole months.
-- Grain: one row per month of the period with posted items on classes 6/7.
-- Columns: month DATE (first day), charges (class 6), produits (class 7),
--          resultat = produits - charges
select month,
       coalesce(sum(amount) filter (where account_class = '6'), 0)::decimal(14,2) as charges,
       coalesce(sum(amount) filter (where account_class = '7'), 0)::decimal(14,2) as produits,
       (coalesce(sum(amount) filter (where account_class = '7'), 0)
        - coalesce(sum(amount) filter (where account_class = '6'), 0))::decimal(14,2) as resultat
from marts.ledger_pnl
where $unit = (select unit_code from ref.units where parent_code is null)
  and month >= date_trunc('month', cast($date_from as date))
  and month < cast($date_to as date)
group by month
order by month
