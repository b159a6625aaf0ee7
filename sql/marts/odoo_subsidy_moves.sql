-- odoo_subsidy_moves — the subsidies booked in Odoo: one row per posted move with a line on a
-- 74… account (subventions d'exploitation), whether a journal entry on 441 (État – subventions
-- à recevoir) or a customer invoice to the funder (411).
--
-- Grain: one row per posted account.move whose 74… lines add up to a non-zero credit.
-- Columns:
--   subsidy_move_id   the move (account.move id)
--   move_name, move_type, move_date   as in Odoo (move_date: the date of the notification,
--                     when the subsidy is booked at notification)
--   label             the move's reference, else the label of its largest 74… line
--   partner_id, funder   the move's partner in Odoo (else the 74… line's): the funder
--   account_code      the 74… account of its largest 74… line
--   unit_code         the unit holding the largest share of its 74… lines (their analytic
--                     distribution, through the units' analytic accounts); the organisation's
--                     root when no 74… line is on a unit's analytic account
--   unit_from_books   true when unit_code comes from an analytic distribution (false: the root)
--   granted           DECIMAL(14,2): the credit of its 74… lines (credit − debit) — the amount
--                     granted as the books say it
--   remaining         DECIMAL(14,2): what is left to receive, the amount_residual of its
--                     receivable lines (441…, or the asset_receivable 411 line). Odoo leaves a
--                     journal entry's payment_state at 'not_paid' whatever is paid: the residual,
--                     not the payment state, says what is left.
--   next_due_on       the earliest date_maturity of a receivable line with something left
--   exercice_start, exercice_end   the exercice holding move_date (fiscal_year_start_month)
with settings as (
    select coalesce(max(case when key = 'fiscal_year_start_month' then value::integer end), 1) as start_month
    from ref.settings
),

accounts as (
    select account_id, account_code, account_type from staging.stg_odoo__accounts
),

moves as (
    select * from staging.stg_odoo__account_moves where state = 'posted'
),

lines as (
    select move_lines.*, accounts.account_code, accounts.account_type
    from staging.stg_odoo__account_move_lines as move_lines
    join moves using (move_id)
    join accounts using (account_id)
),

subsidy_lines as (
    select * from lines where starts_with(account_code, '74')
),

granted as (
    select move_id, sum(-balance) as granted
    from subsidy_lines
    group by move_id
    having sum(-balance) <> 0
),

largest_line as (
    select move_id, account_code, line_name, partner_id, partner_name
    from subsidy_lines
    qualify row_number() over (partition by move_id order by abs(balance) desc, move_line_id) = 1
),

units as (
    select subsidy_lines.move_id, distribution.unit_code
    from subsidy_lines
    join staging.stg_odoo__analytic_distribution as distribution using (move_line_id)
    group by subsidy_lines.move_id, distribution.unit_code
    qualify row_number() over (
        partition by subsidy_lines.move_id
        order by sum(abs(subsidy_lines.balance) * distribution.pct) desc, distribution.unit_code
    ) = 1
),

receivables as (
    select
        move_id,
        sum(amount_residual)                                          as remaining,
        min(coalesce(date_maturity, line_date)) filter (where amount_residual > 0) as next_due_on
    from lines
    where (starts_with(account_code, '441') or account_type = 'asset_receivable')
      and balance > 0
    group by move_id
)

select
    moves.move_id                                                          as subsidy_move_id,
    moves.move_name,
    moves.move_type,
    moves.move_date,
    coalesce(moves.move_ref, largest_line.line_name, moves.move_name)     as label,
    coalesce(moves.partner_id, largest_line.partner_id)                   as partner_id,
    coalesce(moves.partner_name, largest_line.partner_name)               as funder,
    largest_line.account_code,
    coalesce(units.unit_code, (select unit_code from ref.units where parent_code is null order by sort, unit_code limit 1))
                                                                           as unit_code,
    units.unit_code is not null                                            as unit_from_books,
    granted.granted::decimal(14, 2)                                        as granted,
    coalesce(receivables.remaining, 0)::decimal(14, 2)                     as remaining,
    receivables.next_due_on,
    make_date(year(moves.move_date) - (month(moves.move_date) < settings.start_month)::integer,
              settings.start_month, 1)                                     as exercice_start,
    (make_date(year(moves.move_date) - (month(moves.move_date) < settings.start_month)::integer,
               settings.start_month, 1) + interval 1 year - interval 1 day)::date as exercice_end
from moves
join granted using (move_id)
join largest_line using (move_id)
left join units using (move_id)
left join receivables using (move_id)
cross join settings
order by moves.move_date, moves.move_id
