-- odoo_subsidy_receipts — what each subsidy booked in Odoo has received: one row per settlement
-- of one of its receivables (441…, or the 411 line of a subsidy invoiced to the funder).
--
-- Grain: one row per partial reconciliation (account.partial.reconcile) whose debit line is a
-- receivable line of a subsidy move (see marts.odoo_subsidy_moves for what a subsidy move is).
-- Columns:
--   partial_id          the Odoo partial reconciliation
--   subsidy_move_id     the subsidy's move (account.move)
--   receivable_line_id  the receivable line settled (one per instalment when the entry has one
--                       441 line per instalment)
--   amount              DECIMAL(14,2), the part of the receivable settled by this row
--   counterpart_move_id, counterpart_move_name   the move whose line settled it (a bank
--                       statement line's move, a payment, a credit note…)
--   kind                'banque'   the counterpart is a bank statement line, or a payment whose
--                                  outstanding line is reconciled with one: money in the bank
--                       'paiement' a registered payment not matched with the bank yet
--                       'autre'    anything else (a credit note, a write-off, a compensation):
--                                  settles the receivable without cash
--   received_on         the bank statement line's date ('banque'); else the counterpart move's
--                       date
--   statement_line_id   the bank statement line ('banque'), else NULL
--
-- Rules:
--   * Partial and full reconciliations count alike, in Odoo 15 and 17: the rows come from
--     account.partial.reconcile, never from matching_number (Odoo ≤16 writes a bare 'P' on every
--     partially reconciled line).
--   * The bank date: the statement line whose move holds the counterpart line (bank →
--     receivable directly); else the statement line whose move holds a line reconciled with
--     another line of the counterpart move (bank → payment's outstanding account → receivable,
--     the usual path in Odoo 15–17). The earliest one if several.
with accounts as (
    select account_id, account_code, account_type from staging.stg_odoo__accounts
),

move_lines as (
    select * from staging.stg_odoo__account_move_lines
),

partials as (
    select * from staging.stg_odoo__partial_reconciles
),

bank_lines as (
    select * from staging.stg_odoo__bank_statement_lines
),

receivables as (
    select subsidies.subsidy_move_id, move_lines.move_line_id
    from marts.odoo_subsidy_moves as subsidies
    join move_lines on move_lines.move_id = subsidies.subsidy_move_id
    join accounts using (account_id)
    where (starts_with(accounts.account_code, '441') or accounts.account_type = 'asset_receivable')
      and move_lines.balance > 0
),

settled as (
    select
        partials.partial_id,
        receivables.subsidy_move_id,
        receivables.move_line_id                  as receivable_line_id,
        partials.amount,
        partials.credit_move_line_id              as counterpart_line_id,
        counterpart.move_id                       as counterpart_move_id
    from receivables
    join partials on partials.debit_move_line_id = receivables.move_line_id
    join move_lines as counterpart on counterpart.move_line_id = partials.credit_move_line_id
),

-- bank → receivable: the counterpart line sits in a statement line's move
direct_bank as (
    select settled.partial_id, bank_lines.statement_line_id, bank_lines.line_date
    from settled
    join bank_lines on bank_lines.move_id = settled.counterpart_move_id
),

-- bank → payment → receivable: another line of the counterpart move is reconciled with a line
-- of a statement line's move
via_payment as (
    select settled.partial_id, bank_lines.statement_line_id, bank_lines.line_date
    from settled
    join move_lines as own
        on own.move_id = settled.counterpart_move_id and own.move_line_id <> settled.counterpart_line_id
    join partials as next_partial
        on own.move_line_id in (next_partial.debit_move_line_id, next_partial.credit_move_line_id)
    join move_lines as far
        on far.move_line_id = case when next_partial.debit_move_line_id = own.move_line_id
                                   then next_partial.credit_move_line_id
                                   else next_partial.debit_move_line_id end
    join bank_lines on bank_lines.move_id = far.move_id
    where far.move_id <> settled.counterpart_move_id
),

bank_dates as (
    select partial_id, statement_line_id, line_date
    from (select *, 0 as step from direct_bank union all select *, 1 from via_payment)
    qualify row_number() over (partition by partial_id order by step, line_date, statement_line_id) = 1
)

select
    settled.partial_id,
    settled.subsidy_move_id,
    settled.receivable_line_id,
    settled.amount::decimal(14, 2)                                  as amount,
    settled.counterpart_move_id,
    moves.move_name                                                 as counterpart_move_name,
    case
        when bank_dates.partial_id is not null then 'banque'
        when payments.payment_id is not null then 'paiement'
        else 'autre'
    end                                                             as kind,
    coalesce(bank_dates.line_date, moves.move_date)                 as received_on,
    bank_dates.statement_line_id
from settled
left join bank_dates using (partial_id)
left join staging.stg_odoo__account_moves as moves on moves.move_id = settled.counterpart_move_id
left join (select distinct payment_id, move_id from staging.stg_odoo__payments) as payments
    on payments.move_id = settled.counterpart_move_id
order by settled.subsidy_move_id, received_on, settled.partial_id
