-- Odoo analytic lines (account.analytic.line): the actuals, one row per analytic line.
-- Odoo creates them when a move is posted (and deletes them when it is reset to draft).
--
-- amount: Odoo's sign, -balance × % / 100: expenses negative, income positive.
-- analytic_account_id: the line's `account_id` (the project plan). From Odoo 17 a line can
--   carry one more account per other plan in `x_plan<N>_id` columns: see
--   stg_odoo__analytic_line_accounts for every account of a line.
-- move_line_id: the journal item the line comes from: `move_id` up to Odoo 15 (despite its
--   name, a many2one to account.move.line), `move_line_id` from 16. NULL for a line entered
--   directly in analytic accounting.
with source as (
    select payload from raw_odoo.account_analytic_line
),

renamed as (
    select
        (payload->>'id')::bigint                           as analytic_line_id,
        try_cast(payload->>'date' as date)                 as line_date,
        (payload->>'amount')::decimal(14, 2)               as amount,
        (payload->'account_id'->>0)::bigint                as analytic_account_id,
        (payload->'general_account_id'->>0)::bigint        as general_account_id,
        coalesce((payload->'move_line_id'->>0)::bigint,    -- 16+
                 (payload->'move_id'->>0)::bigint)         -- ≤15
                                                           as move_line_id,
        (payload->'partner_id'->>0)::bigint                as partner_id,
        payload->'partner_id'->>1                          as partner_name,
        nullif(payload->>'name', 'false')                  as line_name,
        nullif(payload->>'ref', 'false')                   as line_ref,
        nullif(payload->>'category', 'false')              as odoo_category,
        (payload->'company_id'->>0)::bigint                as company_id,
        try_cast(payload->>'write_date' as timestamp)      as written_at
    from source
)

select * from renamed
