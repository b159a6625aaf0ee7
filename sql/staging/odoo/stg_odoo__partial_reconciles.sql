-- Lettrages partiels Odoo (account.partial.reconcile), une ligne par règlement d'une ligne d'écriture
-- au débit par une ligne au crédit : `amount` (euros, positif) de la ligne au débit est réglé par la
-- ligne au crédit. Un lettrage complet est fait lui aussi de lettrages partiels (full_reconcile_id
-- renseigné une fois les lignes soldées), si bien que ces lignes disent qui a payé qui et combien dans
-- toutes les versions d'Odoo — contrairement à matching_number, qu'Odoo jusqu'à 16 écrit 'P' tout
-- court sur chaque ligne partiellement lettrée (17 écrit 'P<n>').
-- max_date : la plus tardive des dates des deux lignes (le champ d'Odoo lui-même).
with source as (
    select payload from raw_odoo.account_partial_reconcile
)

select
    (payload->>'id')::bigint                          as partial_id,
    (payload->'debit_move_id'->>0)::bigint            as debit_move_line_id,
    (payload->'credit_move_id'->>0)::bigint           as credit_move_line_id,
    (payload->>'amount')::decimal(14, 2)              as amount,
    (payload->'full_reconcile_id'->>0)::bigint        as full_reconcile_id,
    try_cast(payload->>'max_date' as date)            as max_date,
    try_cast(payload->>'write_date' as timestamp)     as written_at
from source
