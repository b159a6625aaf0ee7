-- Every analytic account a journal item is spread over, in every plan: one row per (move line,
-- analytic account), with the percentage of the line and the account's plan and unit.
--
-- Up to Odoo 15: `analytic_account_id` = one account at 100 %, plus, for each tag of
--   `analytic_tag_ids` that has an active analytic distribution, its accounts at their
--   percentages (stg_odoo__analytic_tag_distribution). Odoo 15 makes one analytic line of each.
-- From Odoo 16: `analytic_distribution` = {"<analytic account id>": pct, …}, e.g.
--   {"12": 60.0, "15": 40.0} (a 60/40 split). From 17 a key may join several ids, one per
--   plan: {"12,34": 100.0} means 100 % on account 12 AND 100 % on account 34 (each in its
--   own plan), so the percentage applies to each account of the key.
-- Odoo checks (16+) that each plan's percentages stay within 100 % of the line; nothing adds
-- percentages across plans (sql/tests/analytic_split_at_most_100_pct.sql checks it per plan).
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
      and trim(account_key) <> ''
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

from_tags as (
    -- ≤15: the distributions of the item's analytic tags
    select
        (payload->>'id')::bigint                         as move_line_id,
        distribution.analytic_account_id,
        distribution.pct
    from source,
        unnest(cast(payload->'analytic_tag_ids' as bigint[])) as tags(tag_id)
    join staging.stg_odoo__analytic_tag_distribution as distribution
        on distribution.tag_id = tags.tag_id
    where json_type(payload->'analytic_distribution') is distinct from 'OBJECT'
      and json_type(payload->'analytic_tag_ids') = 'ARRAY'
),

assignments as (
    select * from from_distribution
    union all
    select * from from_account
    union all
    select * from from_tags
)

select
    assignments.move_line_id,
    assignments.analytic_account_id,
    accounts.root_plan_id,
    accounts.plan_role,
    accounts.plan_rank,
    accounts.is_dimension,
    accounts.unit_code,
    sum(assignments.pct)::decimal(9, 4) as pct   -- one account twice in a line: add up
from assignments
left join staging.stg_odoo__analytic_accounts as accounts
    using (analytic_account_id)
group by all
