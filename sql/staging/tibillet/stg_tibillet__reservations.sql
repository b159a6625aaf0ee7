-- TiBillet reservations (Lespass API v1), one row per reservation.
-- status: C cancelled, R created, U unpaid, F / FA awaiting or verified e-mail, P paid,
--   PE / PN paid with an invalid or no e-mail, V confirmed.
-- modified_at: the v1 `datetime`, which is the LAST MODIFICATION, not the booking time.
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
