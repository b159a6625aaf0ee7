-- Événements TiBillet (API Lespass v2, JSON-LD schema.org), une ligne par événement.
-- L'API omet les clés vides : la plupart des colonnes peuvent être NULL.
-- startDate / endDate portent le décalage horaire de l'instance (p. ex. +04:00) : gardés en TIMESTAMPTZ.
-- soiree_day : le jour local auquel appartient l'événement, avec la même heure pivot que les lignes
--   de vente (stg_tibillet__sales), pour que ventes et soirées se retrouvent ce jour-là.
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
