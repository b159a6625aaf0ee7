-- subsidy_instalments_timeline — the échéancier of every subsidy (marts.subsidy_list): what was
-- received, and what is still expected and when.
--
-- Grain: one row per received amount or awaited amount.
-- Columns:
--   instalment_id  the instalment (app.subsidy_instalments) for a typed one; NEGATIVE for a row
--                  taken from the books: −(10^12 + partial reconciliation id) for a receipt,
--                  −(move line id) for a receivable's residual, −(10^12 × 2 + move id) for
--                  the part of the residual beyond the échéancier typed
--   subsidy_key, subsidy_id, odoo_move_id   the subsidy (marts.subsidy_list)
--   source         'odoo' (from the books) | 'saisie' (typed in Alambic)
--   funder, scheme, unit_code, nature   the subsidy's (marts.subsidy_list)
--   kind           'avance' | 'acompte' | 'solde' (typed); 'versement' (a receipt from the
--                  books); 'echeance' (a receivable's residual, when no échéancier was typed, or
--                  what is left beyond it)
--   amount         DECIMAL(14,2): received (received_on set) or still awaited
--   scheduled_amount  the instalment's amount as typed (typed rows), else amount
--   expected_on    the date it is expected (typed; the receivable line's due date, else the move's
--                  date); for a receipt, the date received
--   received_on    the date received: the bank statement line's date for a receipt from the
--                  books (else the payment's date, while it is not matched with the bank); NULL
--                  while awaited
--   status         'reçu' | 'en retard' (awaited, expected_on before as_of) | 'à venir'
--   days_late      as_of − expected_on for a row 'en retard'; NULL otherwise
--   treasury_month the month the plan de trésorerie (treasury_plan) counts it in (an awaited amount: its expected
--                  month, or the as_of month when late); NULL once received
--
-- Rules:
--   * A subsidy typed only (no Odoo move yet): its instalments as typed; received_on typed.
--   * A subsidy booked in Odoo: the receipts are the books' (marts.odoo_subsidy_receipts, kinds
--     'banque' and 'paiement', dated by the bank); what is awaited is the receivables' residual
--     (amount_residual, Odoo's own figure):
--       - with an échéancier typed on its follow-up, the residual is spread over the typed
--         instalments from the LAST one backwards (what was received paid the earliest ones
--         first): an instalment is awaited for min(its amount, residual − the later ones);
--         instalments fully received are not listed (the books' receipts are); a residual
--         beyond the échéancier is one more 'echeance' row, at the earliest due date of the
--         receivables;
--       - with no échéancier, each receivable line with a residual is awaited at its due date.
--     The dates received typed on the instalments of such a subsidy are not used: the books say
--     what was received.
with settings as (
    select max(case when key = 'as_of' then value::date end) as as_of from ref.settings
),

subsidies as (
    select * from marts.subsidy_list
),

typed_only as (
    select
        instalments.instalment_id,
        subsidies.subsidy_key,
        'saisie'                           as source,
        instalments.kind,
        instalments.amount,
        instalments.amount                 as scheduled_amount,
        instalments.expected_on,
        instalments.received_on
    from app.subsidy_instalments as instalments
    join subsidies on subsidies.subsidy_id = instalments.subsidy_id and subsidies.source = 'saisie'
),

receipts as (
    select
        -(1000000000000 + receipts.partial_id) as instalment_id,
        subsidies.subsidy_key,
        'odoo'                             as source,
        'versement'                        as kind,
        receipts.amount,
        receipts.amount                    as scheduled_amount,
        receipts.received_on               as expected_on,
        receipts.received_on
    from marts.odoo_subsidy_receipts as receipts
    join subsidies on subsidies.odoo_move_id = receipts.subsidy_move_id
    where receipts.kind in ('banque', 'paiement')
),

-- Odoo subsidies with an échéancier typed: the residual spread from the last instalment back
scheduled as (
    select
        instalments.instalment_id,
        subsidies.subsidy_key,
        instalments.kind,
        instalments.amount,
        instalments.expected_on,
        subsidies.remaining_books,
        coalesce(sum(instalments.amount) over (
            partition by instalments.subsidy_id
            order by instalments.expected_on desc, instalments.instalment_id desc
            rows between unbounded preceding and 1 preceding), 0) as later_amount,
        sum(instalments.amount) over (partition by instalments.subsidy_id) as schedule_total
    from app.subsidy_instalments as instalments
    join subsidies on subsidies.subsidy_id = instalments.subsidy_id and subsidies.source = 'odoo'
),

scheduled_awaited as (
    select
        instalment_id,
        subsidy_key,
        'saisie'                                                    as source,
        kind,
        least(amount, greatest(remaining_books - later_amount, 0))  as amount,
        amount                                                      as scheduled_amount,
        expected_on,
        null::date                                                  as received_on
    from scheduled
    where least(amount, greatest(remaining_books - later_amount, 0)) > 0
),

beyond_schedule as (
    select
        -(2000000000000 + subsidies.odoo_move_id)                   as instalment_id,
        subsidies.subsidy_key,
        'odoo'                                                      as source,
        'echeance'                                                  as kind,
        subsidies.remaining_books - totals.schedule_total           as amount,
        subsidies.remaining_books - totals.schedule_total           as scheduled_amount,
        coalesce(moves.next_due_on, moves.move_date)                as expected_on,
        null::date                                                  as received_on
    from subsidies
    join (select distinct subsidy_key, schedule_total from scheduled) as totals using (subsidy_key)
    join marts.odoo_subsidy_moves as moves on moves.subsidy_move_id = subsidies.odoo_move_id
    where subsidies.remaining_books > totals.schedule_total
),

-- Odoo subsidies without échéancier: each receivable line's residual at its due date
receivable_residuals as (
    select
        -lines.move_line_id                                         as instalment_id,
        subsidies.subsidy_key,
        'odoo'                                                      as source,
        'echeance'                                                  as kind,
        lines.amount_residual                                       as amount,
        lines.amount_residual                                       as scheduled_amount,
        coalesce(lines.date_maturity, lines.line_date)              as expected_on,
        null::date                                                  as received_on
    from subsidies
    join staging.stg_odoo__account_move_lines as lines on lines.move_id = subsidies.odoo_move_id
    join staging.stg_odoo__accounts as accounts using (account_id)
    where subsidies.source = 'odoo'
      and not subsidies.has_schedule
      and (starts_with(accounts.account_code, '441') or accounts.account_type = 'asset_receivable')
      and lines.balance > 0
      and lines.amount_residual > 0
),

all_rows as (
    select * from typed_only
    union all select * from receipts
    union all select * from scheduled_awaited
    union all select * from beyond_schedule
    union all select * from receivable_residuals
)

select
    all_rows.instalment_id,
    all_rows.subsidy_key,
    subsidies.subsidy_id,
    subsidies.odoo_move_id,
    all_rows.source,
    subsidies.funder,
    subsidies.scheme,
    subsidies.unit_code,
    subsidies.nature,
    all_rows.kind,
    all_rows.amount::decimal(14, 2)                                 as amount,
    all_rows.scheduled_amount::decimal(14, 2)                       as scheduled_amount,
    all_rows.expected_on,
    all_rows.received_on,
    case
        when all_rows.received_on is not null      then 'reçu'
        when all_rows.expected_on < settings.as_of then 'en retard'
        else 'à venir'
    end                                                             as status,
    case
        when all_rows.received_on is null and all_rows.expected_on < settings.as_of
            then settings.as_of - all_rows.expected_on
    end                                                             as days_late,
    case
        when all_rows.received_on is null
            then greatest(date_trunc('month', all_rows.expected_on),
                          date_trunc('month', settings.as_of))::date
    end                                                             as treasury_month
from all_rows
join subsidies using (subsidy_key)
cross join settings
order by all_rows.subsidy_key, all_rows.expected_on, all_rows.instalment_id
