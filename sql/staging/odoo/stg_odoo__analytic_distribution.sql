-- How each journal item is spread over the organisation's analytic accounts:
-- one row per (move line, analytic account of a unit), with the percentage of the line.
--
-- Up to Odoo 15: `analytic_account_id` = one account at 100 %.
-- From Odoo 16: `analytic_distribution` = {"<analytic account id>": pct, …}, e.g.
--   {"12": 60.0, "15": 40.0} (a 60/40 split). From 17 a key may join several ids, one per
--   plan: {"12,34": 100.0} means 100 % on account 12 AND 100 % on account 34 (each in its
--   own plan), so the percentage applies to each account of the key.
-- Only accounts mapped to a unit of the tree are kept (ref.unit_analytic_accounts): the
-- other plans (e.g. funders) do not split the budget.
with source as (
    select payload from raw_odoo.account_move_line
),

from_distribution as (
    -- 16+: one row per key of the JSON object, then one per id of the key
    select
        (payload->>'id')::bigint                                  as move_line_id,
        trim(account_key)::bigint                                 as analytic_account_id,
        (payload->'analytic_distribution'->>distribution_key)::decimal(9, 4) as pct
    from source,
        unnest(json_keys(payload->'analytic_distribution')) as keys(distribution_key),
        unnest(string_split(distribution_key, ',')) as ids(account_key)
    where json_type(payload->'analytic_distribution') = 'OBJECT'
),

from_account as (
    -- ≤15: the single analytic account, at 100 %
    select
        (payload->>'id')::bigint                         as move_line_id,
        (payload->'analytic_account_id'->>0)::bigint     as analytic_account_id,
        100.0::decimal(9, 4)                             as pct
    from source
    where json_type(payload->'analytic_distribution') is distinct from 'OBJECT'
      and json_type(payload->'analytic_account_id') = 'ARRAY'
),

assignments as (
    select * from from_distribution
    union all
    select * from from_account
)

select
    assignments.move_line_id,
    assignments.analytic_account_id,
    accounts.unit_code,
    sum(assignments.pct)::decimal(9, 4) as pct   -- one account twice in a line: add up
from assignments
join staging.stg_odoo__analytic_accounts as accounts
    using (analytic_account_id)
where accounts.unit_code is not null
group by all
