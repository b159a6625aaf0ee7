-- Journaux Odoo (account.journal), une ligne par journal. type : sale (ventes), purchase (achats),
-- cash (caisse), bank (banque), general (opérations diverses).
with source as (
    select payload from raw_odoo.account_journal
),

renamed as (
    select
        (payload->>'id')::bigint                      as journal_id,
        nullif(payload->>'code', 'false')             as journal_code,
        nullif(payload->>'name', 'false')             as journal_name,
        nullif(payload->>'type', 'false')             as journal_type,
        (payload->'default_account_id'->>0)::bigint   as default_account_id,
        (payload->'company_id'->>0)::bigint           as company_id,
        coalesce((payload->>'active')::boolean, true) as is_active,
        try_cast(payload->>'write_date' as timestamp) as written_at
    from source
)

select * from renamed
