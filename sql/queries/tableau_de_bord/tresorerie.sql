-- Tableau de bord — the treasury cards, from marts.treasury_plan (the plan is the whole
-- organisation's: the bank accounts are not split by unit, so these cards are the same for
-- every unit).
--
-- Parameters: none.
-- Columns (one row; NULLs when the plan is empty):
--   current_month        the build's month (the first 'previsionnel' month of the plan)
--   current_balance      the balance at the start of that month: its opening balance, i.e. the
--                        closing of the last month of bank movements
--   lowest_closing       the lowest closing balance over the forecast months (kind 'previsionnel')
--   lowest_month         the first forecast month reaching it
--   threshold            the alert threshold ([alerts] cash_threshold)
--   lowest_below_threshold  lowest_closing < threshold
--   last_month           the last month of the plan
with forecast as (
    select * from marts.treasury_plan where kind = 'previsionnel'
),
lowest as (
    select month, closing_balance, threshold
    from forecast
    order by closing_balance, month
    limit 1
),
current as (
    select month, opening_balance
    from forecast
    order by month
    limit 1
)
select current.month as current_month,
       current.opening_balance as current_balance,
       lowest.closing_balance as lowest_closing,
       lowest.month as lowest_month,
       lowest.threshold,
       lowest.closing_balance < lowest.threshold as lowest_below_threshold,
       (select max(month) from forecast) as last_month
from (select 1) as one
left join current on true
left join lowest on true
