-- volunteer_valuation — the yearly valuation of volunteering, for the entries of the comptes
-- 864 « Personnel bénévole » (emplois, débit) and 875 « Bénévolat » (contributions, crédit) at the
-- foot of the compte de résultat. One figure per fiscal year, both entries of the same amount.
--
-- The sum of marts.volunteer_hours over the year (validated hours only), valued at the configured
-- hourly rate. `booked_in_odoo` is what Odoo already holds on 864* for that year (0 when nothing),
-- so that the accountant sees what is left to book.
--
-- Grain: one row per fiscal year with volunteering.
-- Columns:
--   exercice          the year the fiscal year starts in
--   exercice_start    its first day
--   exercice_end      its last day
--   hours_validated   validated hours of the year
--   hours_pending     hours still waiting for validation
--   members           people with validated hours in the year
--   hourly_rate       € per hour
--   valuation         hours_validated × hourly_rate: the amount of the 864 and 875 entries
--   account_debit     '864'
--   account_credit    '875'
--   booked_in_odoo    net debit already booked on 864* in Odoo over the fiscal year
with settings as (
    select volunteer_hourly_rate as hourly_rate, coalesce(fiscal_year_start_month, 1) as start_month
    from staging.stg_ref__settings
),

years as (
    select
        exercice,
        sum(hours_validated)                                             as hours_validated,
        sum(hours_pending)                                               as hours_pending,
        count(distinct person_key) filter (where hours_validated <> 0)   as members
    from marts.volunteer_hours
    group by exercice
),

bounds as (
    select
        years.*,
        make_date(cast(exercice as integer), settings.start_month, 1)                           as exercice_start,
        (make_date(cast(exercice as integer), settings.start_month, 1) + interval 1 year - interval 1 day)::date
                                                                                                as exercice_end,
        settings.hourly_rate
    from years
    cross join settings
),

booked as (
    select b.exercice, sum(ml.debit - ml.credit) as amount
    from bounds as b
    join staging.stg_odoo__account_move_lines as ml
        on ml.line_date between b.exercice_start and b.exercice_end
    join staging.stg_odoo__accounts as acc on acc.account_id = ml.account_id
    where acc.account_code like '864%' and ml.parent_state = 'posted'
    group by b.exercice
)

select
    b.exercice,
    b.exercice_start,
    b.exercice_end,
    b.hours_validated::decimal(12, 2)                          as hours_validated,
    b.hours_pending::decimal(12, 2)                            as hours_pending,
    b.members,
    b.hourly_rate,
    round(b.hours_validated * b.hourly_rate, 2)::decimal(14, 2) as valuation,
    '864'                                                      as account_debit,
    '875'                                                      as account_credit,
    coalesce(booked.amount, 0)::decimal(14, 2)                 as booked_in_odoo
from bounds as b
left join booked using (exercice)
