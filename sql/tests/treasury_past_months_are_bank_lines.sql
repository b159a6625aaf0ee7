-- Plan de trésorerie: past months ('reel') hold bank movements only, and every month's bank
-- movements (source 'banque') equal the Odoo bank statement lines of that month: money in to
-- the lines with amount > 0, money out to the others. Returns the months where they differ, and
-- other sources in past months.
with bank as (
    select
        date_trunc('month', line_date)::date                   as month,
        coalesce(sum(amount) filter (where amount > 0), 0)     as money_in,
        coalesce(-sum(amount) filter (where amount < 0), 0)    as money_out
    from staging.stg_odoo__bank_statement_lines
    group by 1
),

flows as (
    select
        month,
        coalesce(sum(amount) filter (where direction = 'encaissement'), 0) as money_in,
        coalesce(sum(amount) filter (where direction = 'decaissement'), 0) as money_out
    from marts.treasury_flows
    where source = 'banque'
    group by month
)

select
    coalesce(bank.month, flows.month) as month,
    bank.money_in  as bank_in,  flows.money_in  as plan_in,
    bank.money_out as bank_out, flows.money_out as plan_out,
    null as source
from bank
full outer join flows using (month)
where coalesce(bank.money_in, 0)  <> coalesce(flows.money_in, 0)
   or coalesce(bank.money_out, 0) <> coalesce(flows.money_out, 0)

union all

select month, null, amount, null, null, source
from marts.treasury_flows
where kind = 'reel' and source <> 'banque'
