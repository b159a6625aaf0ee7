-- Lignes d'écritures Odoo (account.move.line), une ligne par ligne d'écriture.
-- balance = debit - credit (une ligne de charge est positive, une ligne de produit négative).
-- amount_residual : ce qui reste à payer ou à encaisser sur une ligne lettrable.
-- parent_state : l'état de la pièce (draft brouillon, posted comptabilisée, cancel annulée).
-- L'affectation analytique (analytic_account_id jusqu'à 15, analytic_distribution à partir de 16)
-- est détaillée dans stg_odoo__analytic_distribution.
with source as (
    select payload from raw_odoo.account_move_line
),

renamed as (
    select
        (payload->>'id')::bigint                          as move_line_id,
        (payload->'move_id'->>0)::bigint                  as move_id,
        coalesce(nullif(payload->>'move_name', 'false'),
                 payload->'move_id'->>1)                  as move_name,
        try_cast(payload->>'date' as date)                as line_date,
        try_cast(payload->>'date_maturity' as date)       as date_maturity,
        (payload->'account_id'->>0)::bigint               as account_id,
        (payload->'partner_id'->>0)::bigint               as partner_id,
        payload->'partner_id'->>1                         as partner_name,
        (payload->'journal_id'->>0)::bigint               as journal_id,
        (payload->'company_id'->>0)::bigint               as company_id,
        nullif(payload->>'name', 'false')                 as line_name,
        nullif(payload->>'ref', 'false')                  as line_ref,
        (payload->>'debit')::decimal(14, 2)               as debit,
        (payload->>'credit')::decimal(14, 2)              as credit,
        (payload->>'balance')::decimal(14, 2)             as balance,
        (payload->>'amount_residual')::decimal(14, 2)     as amount_residual,
        coalesce((payload->>'reconciled')::boolean, false) as is_reconciled,
        nullif(payload->>'matching_number', 'false')      as matching_number,
        nullif(payload->>'parent_state', 'false')         as parent_state,
        nullif(payload->>'display_type', 'false')         as display_type,
        try_cast(payload->>'write_date' as timestamp)     as written_at
    from source
)

select * from renamed
