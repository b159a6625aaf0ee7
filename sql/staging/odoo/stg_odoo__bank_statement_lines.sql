-- Lignes de relevés bancaires Odoo (account.bank.statement.line), une ligne par opération bancaire.
-- amount : positif = entrée d'argent, négatif = sortie.
with source as (
    select payload from raw_odoo.account_bank_statement_line
),

renamed as (
    select
        (payload->>'id')::bigint                            as statement_line_id,
        try_cast(payload->>'date' as date)                  as line_date,
        nullif(payload->>'payment_ref', 'false')            as payment_ref,
        (payload->'partner_id'->>0)::bigint                 as partner_id,
        payload->'partner_id'->>1                           as partner_name,
        (payload->>'amount')::decimal(14, 2)                as amount,
        (payload->>'amount_residual')::decimal(14, 2)       as amount_residual,
        (payload->'journal_id'->>0)::bigint                 as journal_id,
        (payload->'statement_id'->>0)::bigint               as statement_id,
        (payload->'move_id'->>0)::bigint                    as move_id,
        coalesce((payload->>'is_reconciled')::boolean, false) as is_reconciled,
        try_cast(payload->>'write_date' as timestamp)       as written_at
    from source
)

select * from renamed
