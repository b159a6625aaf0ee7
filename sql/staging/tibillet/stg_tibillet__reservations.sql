-- Réservations TiBillet (API Lespass v1), une ligne par réservation.
-- status : C annulée, R créée, U non payée, F / FA e-mail en attente ou vérifié, P payée,
--   PE / PN payée avec un e-mail invalide ou sans e-mail, V confirmée.
-- modified_at : le `datetime` de la v1, qui est la DERNIÈRE MODIFICATION, pas l'heure de réservation.
with source as (
    select payload from raw_tibillet.reservations
),

renamed as (
    select
        payload->>'uuid'                                   as reservation_id,
        payload->>'event'                                  as event_id,
        lower(trim(payload->>'user_mail'))                 as email,
        payload->>'status'                                 as status,
        try_cast(payload->>'datetime' as timestamptz)      as modified_at,
        coalesce(json_array_length(payload->'tickets'), 0) as ticket_count,
        coalesce(json_array_length(payload->'options'), 0) as option_count
    from source
)

select * from renamed
