-- Événements Oceco (l'agenda), une ligne par événement.
-- Dates : {"$date": ms} comme Meteor DDP les envoie (une chaîne ISO est acceptée aussi).
-- project_id : la première clé de `organizer` (le projet qui organise l'événement).
-- is_active : Oceco marque un événement annulé ou retiré d'un `status` ; un événement actif n'en a pas.
with source as (
    select payload from raw_oceco.events
),

renamed as (
    select
        payload->>'_id'                                             as event_id,
        payload->>'name'                                            as event_name,
        payload->>'type'                                            as event_type,
        coalesce(make_timestamptz((payload->'startDate'->>'$."$date"')::bigint * 1000),
                 try_cast(payload->>'startDate' as timestamptz))    as start_at,
        coalesce(make_timestamptz((payload->'endDate'->>'$."$date"')::bigint * 1000),
                 try_cast(payload->>'endDate' as timestamptz))      as end_at,
        coalesce((payload->>'allDay')::boolean, false)              as is_all_day,
        payload->>'timeZone'                                        as time_zone,
        json_keys(payload->'organizer')[1]                          as project_id,
        payload->>'status'                                          as status,
        payload->>'status' is null                                  as is_active,
        coalesce(len(json_keys(payload->'links'->'attendees')), 0)  as attendee_count
    from source
)

select * from renamed
