-- TiBillet events (Lespass API v2, schema.org JSON-LD), one row per event.
-- Empty keys are dropped by the API, so most columns may be NULL.
-- startDate / endDate carry the tenant's offset (e.g. +04:00): kept as TIMESTAMPTZ.
-- soiree_day: the local day the event belongs to, with the same pivot as the sale lines
--   (stg_tibillet__sales), so that sales and soirées meet on that day.
with source as (
    select payload from raw_tibillet.events
),

settings as (
    select timezone as tz, day_pivot from staging.stg_ref__settings
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

select
    renamed.*,
    cast(timezone(settings.tz, start_at) - settings.day_pivot as date) as soiree_day
from renamed
cross join settings
