-- The organisation's « réel » reconciles with its books, every month (marts.ledger_reconciliation):
-- the books are what the units hold plus what none holds (plus accounts of no category), and the
-- budget réel is that, plus stand-alone analytic amounts, plus internal flows not eliminated.
select month, direction, 'ledger' as identity
from marts.ledger_reconciliation
where ledger <> analytique + non_affecte + hors_categories
union all
select month, direction, 'budget'
from marts.ledger_reconciliation
where reel_budget <> analytique + non_affecte + sans_ecriture + interne - elimine
union all
-- at the organisation's level every internal flow has both ends inside: all are eliminated
select month, direction, 'eliminations'
from marts.ledger_reconciliation
where interne <> elimine
