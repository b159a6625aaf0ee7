-- Odoo partial reconciliations (account.partial.reconcile), one row per settlement of a debit
-- journal item by a credit journal item: `amount` (euros, positive) of the debit line is settled
-- by the credit line. A full reconciliation is made of partial ones too (full_reconcile_id set
-- once the lines are settled in full), so these rows say who paid whom and how much in every
-- Odoo version — unlike matching_number, which Odoo ≤16 writes as a bare 'P' on every partially
-- reconciled line (17 writes 'P<n>').
-- max_date: the later of the two lines' dates (Odoo's own field).
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
