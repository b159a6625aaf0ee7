-- Lignes analytiques Odoo (account.analytic.line) : le réalisé, une ligne par ligne analytique.
-- Odoo les crée quand une pièce est comptabilisée (et les supprime quand elle repasse en brouillon).
--
-- amount : le signe d'Odoo, -balance × % / 100 : charges négatives, produits positifs.
-- analytic_account_id : le `account_id` de la ligne (le plan projet). À partir d'Odoo 17, une ligne
--   peut porter un compte de plus par autre plan, dans des colonnes `x_plan<N>_id` : voir
--   stg_odoo__analytic_line_accounts pour tous les comptes d'une ligne.
-- move_line_id : la ligne d'écriture d'où vient la ligne : `move_id` jusqu'à Odoo 15 (malgré son
--   nom, un `many2one` vers account.move.line), `move_line_id` à partir de 16. NULL pour une ligne
--   saisie directement en comptabilité analytique.
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
