-- Odoo analytic accounts (account.analytic.account), one row per account, with the unit of
-- the organisation tree it is mapped to in the configuration (ref.unit_analytic_accounts,
-- by code; NULL when the account belongs to no unit).
-- Its grouping is group_id up to Odoo 15, plan_id from 16.
with source as (
    select payload from raw_odoo.account_analytic_account
),

renamed as (
    select
        (payload->>'id')::bigint                        as analytic_account_id,
        nullif(payload->>'code', 'false')               as analytic_code,
        nullif(payload->>'name', 'false')               as analytic_name,
        coalesce((payload->'plan_id'->>0)::bigint,      -- 16+
                 (payload->'group_id'->>0)::bigint)     -- ≤15
                                                        as plan_id,
        (payload->'root_plan_id'->>0)::bigint           as root_plan_id,
        (payload->'partner_id'->>0)::bigint             as partner_id,
        (payload->'company_id'->>0)::bigint             as company_id,
        coalesce((payload->>'active')::boolean, true)   as is_active,
        try_cast(payload->>'write_date' as timestamp)   as written_at
    from source
)

select
    renamed.*,
    units.unit_code
from renamed
left join ref.unit_analytic_accounts as units
    on units.analytic_code = renamed.analytic_code
