-- Every analytic account an analytic line carries: one row per (line, account).
--
-- Up to Odoo 16 a line has one account (`account_id`). From 17 the project plan stays in
-- `account_id` and each other root plan gets a column `x_plan<N>_id`; a line made from a
-- distribution key "12,34" carries both accounts, and its amount applies to each of them
-- (one account per plan). unit_code: the unit of the tree the account is mapped to, if any;
-- root_plan_id, plan_role, plan_rank, is_dimension: its plan (stg_odoo__analytic_accounts).
with source as (
    select payload from raw_odoo.account_analytic_line
),

plan_columns as (
    -- account_id, plus every x_plan<N>_id column present on the record
    select
        (payload->>'id')::bigint as analytic_line_id,
        column_name,
        payload->column_name     as account_value
    from source,
        unnest(json_keys(payload)) as keys(column_name)
    where column_name = 'account_id'
       or regexp_matches(column_name, '^x_plan[0-9]+_id$')
),

renamed as (
    select
        analytic_line_id,
        column_name                          as plan_column,
        (account_value->>0)::bigint          as analytic_account_id
    from plan_columns
    where json_type(account_value) = 'ARRAY'   -- `false`: no account in that plan
)

select
    renamed.*,
    accounts.unit_code,
    accounts.root_plan_id,
    accounts.plan_role,
    accounts.plan_rank,
    accounts.is_dimension
from renamed
left join staging.stg_odoo__analytic_accounts as accounts
    using (analytic_account_id)
