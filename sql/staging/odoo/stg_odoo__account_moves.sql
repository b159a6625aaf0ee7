-- Pièces comptables et factures Odoo (account.move), une ligne par pièce.
-- move_type : entry, out_invoice, out_refund, in_invoice, in_refund, out_receipt, in_receipt
--   (écriture, facture et avoir client, facture et avoir fournisseur, reçus).
-- state : draft (brouillon), posted (comptabilisée), cancel (annulée).
-- payment_state : not_paid, in_payment, paid, partial, reversed, invoicing_legacy (18 : blocked)
--   (non payée, en paiement, payée, partiellement, extournée, ancienne facturation, bloquée).
-- Montants en euros, DECIMAL(14,2) ; les *_signed sont négatifs pour les pièces sortantes.
with source as (
    select payload from raw_odoo.account_move
),

renamed as (
    select
        (payload->>'id')::bigint                              as move_id,
        nullif(payload->>'name', 'false')                     as move_name,
        nullif(payload->>'ref', 'false')                      as move_ref,
        nullif(payload->>'move_type', 'false')                as move_type,
        nullif(payload->>'state', 'false')                    as state,
        nullif(payload->>'payment_state', 'false')            as payment_state,
        try_cast(payload->>'date' as date)                    as move_date,
        try_cast(payload->>'invoice_date' as date)            as invoice_date,
        try_cast(payload->>'invoice_date_due' as date)        as invoice_date_due,
        (payload->'partner_id'->>0)::bigint                   as partner_id,
        payload->'partner_id'->>1                             as partner_name,
        (payload->'journal_id'->>0)::bigint                   as journal_id,
        (payload->'company_id'->>0)::bigint                   as company_id,
        (payload->>'amount_untaxed')::decimal(14, 2)          as amount_untaxed,
        (payload->>'amount_tax')::decimal(14, 2)              as amount_tax,
        (payload->>'amount_total')::decimal(14, 2)            as amount_total,
        (payload->>'amount_residual')::decimal(14, 2)         as amount_residual,
        (payload->>'amount_total_signed')::decimal(14, 2)     as amount_total_signed,
        (payload->>'amount_residual_signed')::decimal(14, 2)  as amount_residual_signed,
        nullif(payload->>'payment_reference', 'false')        as payment_reference,
        try_cast(payload->>'write_date' as timestamp)         as written_at
    from source
)

select * from renamed
