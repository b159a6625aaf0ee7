-- Odoo analytic groups (≤15, account.analytic.group) and plans (16+, account.analytic.plan):
-- the same thing renamed in 16. One row per group or plan; a warehouse holds one or the other.
with groups_15 as (
    select payload, 'account.analytic.group' as odoo_model from raw_odoo.account_analytic_group
),

plans_16 as (
    select payload, 'account.analytic.plan' as odoo_model from raw_odoo.account_analytic_plan
),

source as (
    select * from groups_15
    union all
    select * from plans_16
),

renamed as (
    select
        (payload->>'id')::bigint                        as plan_id,
        nullif(payload->>'name', 'false')               as plan_name,
        nullif(payload->>'complete_name', 'false')      as complete_name,
        (payload->'parent_id'->>0)::bigint              as parent_plan_id,
        odoo_model,
        try_cast(payload->>'write_date' as timestamp)   as written_at
    from source
)

select * from renamed
