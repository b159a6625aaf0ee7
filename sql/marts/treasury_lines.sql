-- treasury_lines — every cash movement of the plan de trésorerie, real or expected: the detail
-- behind the marts treasury_flows and treasury_plan (what a click on a figure lists).
--
-- Grain: one row per bank statement line, open invoice term line, draft invoice, forecast
-- remainder (unit × category × month) or subsidy instalment still awaited.
-- Columns:
--   line_key       unique key: 'banque:<statement line id>', 'facture:<move line id>',
--                  'brouillon:<move id>', 'prevision:<unit>:<category>:<month>',
--                  'subvention:<instalment id of marts.subsidy_instalments_timeline>' (negative:
--                  an amount taken from the books, see there)
--   source         'banque'              a bank (or cash) statement line from Odoo: real cash
--                  'facture_ouverte'     a posted invoice or bill not (fully) paid yet
--                  'brouillon'           a draft invoice or bill (not posted yet)
--                  'prevision'           the part of a forecast (app.forecasts) not booked yet
--                  'echeance_subvention' what a subsidy is still awaited for
--                                        (marts.subsidy_instalments_timeline)
--   month          the month of the plan the amount counts in (first day of the month)
--   kind           'reel' (months before the as_of month) | 'previsionnel' (from the as_of month on)
--   expected_on    the date of the movement: the bank line's date, the invoice's due date, the
--                  forecast's month, the instalment's expected date (before any move to the
--                  as_of month, see below)
--   direction      'encaissement' (money in) | 'decaissement' (money out)
--   category_code  a budget category of ref.categories, or 'autres' (a bank movement whose
--                  category cannot be found)
--   unit_code      the unit, when known (forecasts, instalments); NULL otherwise
--   label          what it is (bank label, invoice number, forecast, instalment)
--   partner        who (Odoo partner, funder)
--   reference      Odoo move name, 'subvention n° X', the forecast's unit and category
--   amount         DECIMAL(14,2), always positive; `direction` says in or out
--
-- Rules:
--   * Past months (kind 'reel') hold bank statement lines only (Odoo account.bank.statement.line,
--     amount > 0 = encaissement). Bank lines of the as_of month count in it too (the cash
--     already moved this month), beside what is still expected.
--   * The category of a bank line is found by following Odoo's reconciliation: first the
--     statement's own counterpart lines (e.g. bank fees booked straight on 627); else the moves
--     reconciled with them — lines sharing a matching_number (other than Odoo ≤16's bare 'P'), or
--     joined by a partial reconciliation (account.partial.reconcile), so partial payments count
--     in Odoo 15 as in 17 — ; else one step further (bank line → payment → invoice). The category
--     of a move is the one of its categorised lines (ref.category_accounts, longest prefix) with
--     the largest amount — one category per bank line, an approximation when an invoice mixes
--     categories. Nothing found: 'autres' (e.g. an unreconciled line, an opening balance).
--   * Expected movements (every source but 'banque') count from the as_of month on: one dated
--     before the as_of month (an overdue invoice, a late instalment) is put in the as_of month
--     — pessimistic: it is still awaited, not lost.
--   * Open items: posted invoices, bills, refunds and receipts — each receivable or payable line
--     with amount_residual <> 0 — and every posted 441… line (État – subventions et aides à
--     recevoir: Odoo gives it no receivable type, and it sits on plain journal entries) with
--     amount_residual <> 0; by its date_maturity (else the invoice's due date, else the move's
--     date). amount_residual > 0 is to receive, < 0 to pay. Category: the move's, as above.
--   * Draft invoices and bills: amount_total by the due date (else invoice date, else date);
--     customer invoices and supplier refunds are encaissements, bills and customer refunds
--     décaissements.
--   * Subsidies booked in Odoo (marts.odoo_subsidy_moves: posted moves with a 74… line, entries on
--     441 and invoices on 411 alike) are left out of the open items, and drafts of the category
--     'subventions' out of the drafts: what a subsidy is awaited for comes from
--     marts.subsidy_instalments_timeline — the typed échéancier, else the receivables' residual
--     — which would otherwise count it twice.
--   * Forecasts: for each unit, category and month from the as_of month on, the prévisionnel of
--     marts.budget_vs_actual LESS what Odoo already holds for that unit, category and month
--     (réel and draft lines of marts.budget_lines with source 'odoo': their cash is already in
--     the bank, the open invoices or the drafts); nothing when Odoo holds as much or more.
--     Validated remuneration proposals are not deducted (no invoice yet: the forecast still
--     carries their cash). Only categories with general accounts (internal categories move no
--     cash) and not 'subventions' (the échéancier says when subsidies are paid).
--     A recette category is an encaissement, a dépense category a décaissement.
--   * Subsidies: every awaited row of marts.subsidy_instalments_timeline (received_on NULL), an
--     encaissement of the category 'subventions' on expected_on: a typed instalment, or (no
--     échéancier typed) the residual of the Odoo subsidy's receivable at its due date. What was
--     received is already in the bank lines.
--   * Internal transfers (app.internal_transfers) move no cash: they never appear here.
--   * The plan runs from the first month of the bank history (or the as_of month if there is
--     none) to 12 months after as_of; movements expected later are left out.

with settings as (
    select
        max(case when key = 'as_of' then value::date end)                              as as_of,
        date_trunc('month', max(case when key = 'as_of' then value::date end))::date   as as_of_month
    from ref.settings
),

bank_lines as (
    select * from staging.stg_odoo__bank_statement_lines
),

horizon as (
    -- first month: the bank history's first (or the as_of month); last: 12 months after as_of
    select
        least(coalesce((select date_trunc('month', min(line_date)) from bank_lines), as_of_month),
              as_of_month)::date                                     as first_month,
        date_trunc('month', as_of + interval 12 month)::date         as last_month,
        as_of,
        as_of_month
    from settings
),

accounts as (
    select account_id, account_code, account_type from staging.stg_odoo__accounts
),

-- Each general account → its budget category, by the longest matching prefix.
categorised_accounts as (
    select
        accounts.account_id,
        prefixes.category_code
    from accounts
    join ref.category_accounts as prefixes
        on starts_with(accounts.account_code, prefixes.account_prefix)
    qualify row_number() over (
        partition by accounts.account_id
        order by length(prefixes.account_prefix) desc
    ) = 1
),

move_lines as (
    select * from staging.stg_odoo__account_move_lines
),

moves as (
    select * from staging.stg_odoo__account_moves
),

-- The category of each move: its categorised line category with the largest amount.
-- weight: the amount of the move's lines in that category (to choose among several moves).
move_categories as (
    select
        move_lines.move_id,
        categorised_accounts.category_code,
        sum(abs(move_lines.balance)) as weight
    from move_lines
    join categorised_accounts using (account_id)
    join ref.categories as categories using (category_code)
    group by move_lines.move_id, categorised_accounts.category_code, categories.sort
    qualify row_number() over (
        partition by move_lines.move_id
        order by sum(abs(move_lines.balance)) desc, categories.sort, categorised_accounts.category_code
    ) = 1
),

-- Lines that take part in a reconciliation (Odoo ≤16 writes 'P' for every partial one: useless
-- as a key, left out; the partial reconciliations below stand in for it).
matched_lines as (
    select move_line_id, move_id, matching_number
    from move_lines
    where matching_number is not null and matching_number <> 'P'
),

partials as (
    select debit_move_line_id, credit_move_line_id from staging.stg_odoo__partial_reconciles
),

-- Two lines of different moves reconciled with each other: same matching number, or one
-- partial reconciliation between them (both directions).
reconciled_pairs as (
    select mine.move_line_id, other.move_line_id as other_line_id, other.move_id as other_move_id
    from matched_lines as mine
    join matched_lines as other
        on other.matching_number = mine.matching_number and other.move_id <> mine.move_id
    union
    select partials.debit_move_line_id, partials.credit_move_line_id, other.move_id
    from partials
    join move_lines as other on other.move_line_id = partials.credit_move_line_id
    union
    select partials.credit_move_line_id, partials.debit_move_line_id, other.move_id
    from partials
    join move_lines as other on other.move_line_id = partials.debit_move_line_id
),

-- Step 0: the statement move's own lines, except the bank account line itself.
step0 as (
    select bank_lines.statement_line_id, move_lines.move_line_id, move_lines.move_id
    from bank_lines
    join move_lines on move_lines.move_id = bank_lines.move_id
    join accounts on accounts.account_id = move_lines.account_id
    where accounts.account_type is distinct from 'asset_cash'
),

-- Step 1: the moves reconciled with those lines.
step1 as (
    select distinct step0.statement_line_id, pairs.other_move_id as move_id, step0.move_id as from_move_id
    from step0
    join reconciled_pairs as pairs on pairs.move_line_id = step0.move_line_id
    where pairs.other_move_id <> step0.move_id
),

-- Step 2: the moves reconciled with the lines of the step-1 moves (bank → payment → invoice).
step2 as (
    select distinct step1.statement_line_id, pairs.other_move_id as move_id
    from step1
    join move_lines as mine on mine.move_id = step1.move_id
    join reconciled_pairs as pairs on pairs.move_line_id = mine.move_line_id
    where pairs.other_move_id <> step1.move_id
      and pairs.other_move_id <> step1.from_move_id
),

-- The category found at the first step that finds one (largest amount among the moves reached).
bank_line_categories as (
    select statement_line_id, category_code
    from (
        select step, statement_line_id, category_code, sum(weight) as weight
        from (
            select 0 as step, step0.statement_line_id, categorised_accounts.category_code,
                   abs(move_lines.balance) as weight
            from step0
            join move_lines using (move_line_id)
            join categorised_accounts on categorised_accounts.account_id = move_lines.account_id
            union all
            select 1, step1.statement_line_id, move_categories.category_code, move_categories.weight
            from step1
            join move_categories using (move_id)
            union all
            select 2, step2.statement_line_id, move_categories.category_code, move_categories.weight
            from step2
            join move_categories using (move_id)
        )
        group by step, statement_line_id, category_code
    )
    qualify row_number() over (
        partition by statement_line_id order by step, weight desc, category_code
    ) = 1
),

-- Real: every bank statement line
from_bank as (
    select
        'banque:' || bank_lines.statement_line_id                   as line_key,
        'banque'                                                     as source,
        bank_lines.line_date                                         as expected_on,
        bank_lines.amount                                            as cash_amount,
        coalesce(bank_line_categories.category_code, 'autres')       as category_code,
        null::varchar                                                as unit_code,
        bank_lines.payment_ref                                       as label,
        bank_lines.partner_name                                      as partner,
        moves.move_name                                              as reference
    from bank_lines
    left join bank_line_categories using (statement_line_id)
    left join moves on moves.move_id = bank_lines.move_id
),

invoice_types as (
    select * from (values
        ('out_invoice',  1), ('out_receipt', 1), ('in_refund',  1),   -- money in
        ('in_invoice',  -1), ('in_receipt', -1), ('out_refund', -1)   -- money out
    ) as t(move_type, cash_sign)
),

-- Expected: what is left to receive or pay on posted invoices and bills
from_open_invoices as (
    select
        'facture:' || move_lines.move_line_id                        as line_key,
        'facture_ouverte'                                            as source,
        coalesce(move_lines.date_maturity, moves.invoice_date_due, moves.move_date) as expected_on,
        move_lines.amount_residual                                   as cash_amount,
        coalesce(move_categories.category_code, 'autres')            as category_code,
        null::varchar                                                as unit_code,
        coalesce(moves.move_ref, move_lines.line_name, moves.move_name) as label,
        coalesce(moves.partner_name, move_lines.partner_name)        as partner,
        moves.move_name                                              as reference
    from move_lines
    join moves using (move_id)
    left join invoice_types using (move_type)
    join accounts on accounts.account_id = move_lines.account_id
    left join move_categories using (move_id)
    where moves.state = 'posted'
      and ((invoice_types.move_type is not null
            and accounts.account_type in ('asset_receivable', 'liability_payable'))
           or starts_with(accounts.account_code, '441'))
      and move_lines.amount_residual <> 0
      and move_lines.move_id not in (select subsidy_move_id from marts.odoo_subsidy_moves)
),

-- Expected: draft invoices and bills
from_drafts as (
    select
        'brouillon:' || moves.move_id                                as line_key,
        'brouillon'                                                  as source,
        coalesce(moves.invoice_date_due, moves.invoice_date, moves.move_date) as expected_on,
        moves.amount_total * invoice_types.cash_sign                 as cash_amount,
        coalesce(move_categories.category_code, 'autres')            as category_code,
        null::varchar                                                as unit_code,
        coalesce(moves.move_ref, 'brouillon n° ' || moves.move_id)   as label,
        moves.partner_name                                           as partner,
        coalesce(nullif(moves.move_name, '/'), 'brouillon n° ' || moves.move_id) as reference
    from moves
    join invoice_types using (move_type)
    left join move_categories using (move_id)
    where moves.state = 'draft'
      and moves.amount_total <> 0
      and move_categories.category_code is distinct from 'subventions'
),

-- Expected: the part of each forecast month not booked in Odoo yet
booked_in_odoo as (
    select unit_code, category_code, month, sum(amount) as booked
    from marts.budget_lines
    where source = 'odoo' and counts_as in ('reel', 'engage')
    group by unit_code, category_code, month
),

forecast_remainders as (
    select
        forecasts.unit_code,
        forecasts.category_code,
        forecasts.month,
        categories.direction,
        categories.label                                             as category_label,
        forecasts.previsionnel - coalesce(booked_in_odoo.booked, 0)  as remainder
    from marts.budget_vs_actual as forecasts
    join ref.categories as categories using (category_code)
    left join booked_in_odoo using (unit_code, category_code, month)
    cross join settings
    where forecasts.month >= settings.as_of_month
      and forecasts.previsionnel > 0
      and forecasts.category_code <> 'subventions'
      -- internal categories (no general account) move no cash
      and forecasts.category_code in (select category_code from ref.category_accounts)
),

from_forecasts as (
    select
        'prevision:' || unit_code || ':' || category_code || ':' || strftime(month, '%Y-%m') as line_key,
        'prevision'                                                  as source,
        month                                                        as expected_on,
        case direction when 'recette' then remainder else -remainder end as cash_amount,
        category_code,
        unit_code,
        'Prévisionnel ' || category_label || ' non encore facturé'   as label,
        null::varchar                                                as partner,
        'prévisionnel ' || unit_code || ' / ' || category_code       as reference
    from forecast_remainders
    where remainder > 0
),

-- Expected: what subsidies are still awaited for (typed échéancier, else the books' residual)
from_instalments as (
    select
        'subvention:' || timeline.instalment_id                      as line_key,
        'echeance_subvention'                                        as source,
        timeline.expected_on,
        timeline.amount                                              as cash_amount,
        'subventions'                                                as category_code,
        timeline.unit_code,
        timeline.kind || ' ' || timeline.funder
            || coalesce(' – ' || nullif(timeline.scheme, ''), '')   as label,
        timeline.funder                                              as partner,
        coalesce(subsidies.odoo_move_name, 'subvention n° ' || timeline.subsidy_id) as reference
    from marts.subsidy_instalments_timeline as timeline
    join marts.subsidy_list as subsidies using (subsidy_key)
    where timeline.received_on is null
),

expected as (
    select * from from_open_invoices
    union all
    select * from from_drafts
    union all
    select * from from_forecasts
    union all
    select * from from_instalments
),

all_lines as (
    -- real: in the month of the bank line
    select from_bank.*, date_trunc('month', expected_on)::date as month
    from from_bank

    union all

    -- expected: never before the as_of month
    select expected.*, greatest(date_trunc('month', expected.expected_on)::date, settings.as_of_month) as month
    from expected
    cross join settings
)

select
    all_lines.line_key,
    all_lines.source,
    all_lines.month,
    case when all_lines.month < horizon.as_of_month then 'reel' else 'previsionnel' end as kind,
    all_lines.expected_on,
    case when all_lines.cash_amount > 0 then 'encaissement' else 'decaissement' end  as direction,
    all_lines.category_code,
    all_lines.unit_code,
    all_lines.label,
    all_lines.partner,
    all_lines.reference,
    abs(all_lines.cash_amount)::decimal(14, 2)                                       as amount
from all_lines
cross join horizon
where all_lines.cash_amount <> 0
  and all_lines.month between horizon.first_month and horizon.last_month
order by all_lines.month, all_lines.source, all_lines.line_key
