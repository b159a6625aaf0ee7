-- Actions Oceco (tâches bénévoles), une ligne par (action, contributeur·rice) ; une action que
-- personne n'a encore rejointe donne une ligne avec contributor_id NULL.
--
-- credits : ce que gagne un·e contributeur·rice validé·e (négatif : une dépense, débitée à l'inscription).
-- finished_state : l'entrée `finishedBy` du contributeur : toModerate (à valider),
--   validated (validée), novalidated (refusée) ; NULL tant que la contribution est en cours.
-- Dates : {"$date": ms} comme Meteor DDP les envoie (une chaîne ISO est acceptée aussi).
with source as (
    select payload from raw_oceco.actions
),

actions as (
    select
        payload,
        payload->>'_id'                                           as action_id,
        payload->>'name'                                          as action_name,
        payload->>'status'                                        as action_status,
        payload->>'parentType'                                    as parent_type,
        payload->>'parentId'                                      as parent_id,
        coalesce((payload->>'credits')::double::integer, 0)               as credits,
        (payload->>'min')::integer                                as min_participants,
        (payload->>'max')::integer                                as max_participants,
        coalesce(make_timestamptz((payload->'startDate'->>'$."$date"')::bigint * 1000),
                 try_cast(payload->>'startDate' as timestamptz))  as start_at,
        coalesce(make_timestamptz((payload->'endDate'->>'$."$date"')::bigint * 1000),
                 try_cast(payload->>'endDate' as timestamptz))    as end_at,
        payload->'tags'                                           as tags
    from source
),

contributors as (
    select
        actions.* exclude (payload),
        contributor_id,
        payload->'finishedBy'->>contributor_id as finished_state
    from actions
    left join lateral (
        select unnest(coalesce(json_keys(payload->'links'->'contributors'), [])) as contributor_id
    ) as c on true
)

select * from contributors
