-- Paiements Odoo (account.payment), une ligne par paiement.
-- payment_type : inbound (entrée d'argent) / outbound (sortie) ; signed_amount suit ce signe.
-- state : draft, posted, cancel jusqu'à 17 ; draft, in_process, paid, canceled, rejected en 18
--   (brouillon, comptabilisé, annulé ; en cours, payé, annulé, rejeté).
-- memo : `ref` jusqu'à 17, `memo` en 18.
with source as (
    select payload from raw_odoo.account_payment
),

renamed as (
    select
        (payload->>'id')::bigint                          as payment_id,
        nullif(payload->>'name', 'false')                 as payment_name,
        try_cast(payload->>'date' as date)                as payment_date,
        (payload->>'amount')::decimal(14, 2)              as amount,
        nullif(payload->>'payment_type', 'false')         as payment_type,
        nullif(payload->>'partner_type', 'false')         as partner_type,
        (payload->'partner_id'->>0)::bigint               as partner_id,
        payload->'partner_id'->>1                         as partner_name,
        (payload->'journal_id'->>0)::bigint               as journal_id,
        nullif(payload->>'state', 'false')                as state,
        (payload->'move_id'->>0)::bigint                  as move_id,
        coalesce(nullif(payload->>'memo', 'false'),
                 nullif(payload->>'ref', 'false'))        as memo,
        coalesce((payload->>'is_reconciled')::boolean, false) as is_reconciled,
        coalesce((payload->>'is_matched')::boolean, false)    as is_matched,
        try_cast(payload->>'write_date' as timestamp)     as written_at
    from source
)

select
    *,
    case when payment_type = 'outbound' then -amount else amount end as signed_amount
from renamed
