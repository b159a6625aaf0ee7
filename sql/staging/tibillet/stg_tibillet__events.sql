-- TiBillet events (Lespass API v2, schema.org JSON-LD), one row per event.
-- Empty keys are dropped by the API, so most columns may be NULL.
-- startDate / endDate carry the tenant's offset (e.g. +04:00): kept as TIMESTAMPTZ.
with source as (
    select payload from raw_tibillet.events
),

renamed as (
    select
        payload->>'identifier'                               as event_id,
        payload->>'name'                                     as event_name,
        payload->>'@type'                                    as schema_type,
        payload->>'additionalType'                           as event_category,
        payload->>'disambiguatingDescription'                as short_description,
        try_cast(payload->>'startDate' as timestamptz)       as start_at,
        try_cast(payload->>'endDate' as timestamptz)         as end_at,
        (payload->>'maximumAttendeeCapacity')::integer       as capacity,
        coalesce(payload->>'eventStatus', '') like '%EventCancelled'  as is_cancelled,
        payload->'superEvent'->>'identifier'                 as parent_event_id,
        payload->>'url'                                      as url,
        payload->'location'->'address'->>'name'              as place_name,
        coalesce(payload->'audience'->>'audienceType' = 'private', false) as is_private,
        payload->'keywords'                                  as keywords
    from source
)

select * from renamed
