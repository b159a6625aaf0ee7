-- odoo_subsidy_receipts — ce que chaque subvention comptabilisée dans Odoo a reçu : une ligne par
-- règlement d'une de ses créances (441…, ou la ligne 411 d'une subvention facturée au financeur).
--
-- Grain: une ligne par lettrage partiel (account.partial.reconcile) dont la ligne de débit est une
-- ligne de créance d'une pièce de subvention (voir marts.odoo_subsidy_moves pour ce qu'est une
-- pièce de subvention).
-- Columns:
--   partial_id          le lettrage partiel Odoo
--   subsidy_move_id     la pièce de la subvention (account.move)
--   receivable_line_id  la ligne de créance réglée (une par échéance quand l'écriture a une ligne
--                       441 par échéance)
--   amount              DECIMAL(14,2), la part de la créance réglée par cette ligne
--   counterpart_move_id, counterpart_move_name   la pièce dont la ligne l'a réglée (la pièce d'une
--                       ligne de relevé bancaire, un paiement, un avoir…)
--   kind                'banque'   la contrepartie est une ligne de relevé bancaire, ou un paiement
--                                  dont la ligne d'attente est lettrée avec une : l'argent est en banque
--                       'paiement' un paiement enregistré pas encore rapproché de la banque
--                       'autre'    tout le reste (un avoir, une perte, une compensation) : règle
--                                  la créance sans trésorerie
--   received_on         la date de la ligne de relevé bancaire ('banque') ; sinon la date de la
--                       pièce de contrepartie
--   statement_line_id   la ligne de relevé bancaire ('banque'), sinon NULL
--
-- Règles :
--   * Lettrages partiels et complets comptent de même, en Odoo 15 comme en 17 : les lignes viennent
--     de account.partial.reconcile, jamais de matching_number (Odoo ≤16 écrit un simple 'P' sur
--     chaque ligne partiellement lettrée).
--   * La date bancaire : la ligne de relevé dont la pièce porte la ligne de contrepartie (banque →
--     créance directement) ; sinon la ligne de relevé dont la pièce porte une ligne lettrée avec
--     une autre ligne de la pièce de contrepartie (banque → compte d'attente du paiement →
--     créance, le chemin habituel en Odoo 15–17). La plus ancienne s'il y en a plusieurs.
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
