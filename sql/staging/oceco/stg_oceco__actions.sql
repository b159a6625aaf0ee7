-- Oceco actions (volunteering tasks), one row per (action, contributor); an action nobody
-- has joined yet gives one row with contributor_id NULL.
--
-- credits: what a validated contributor earns (negative: a spend, debited at join time).
-- finished_state: the contributor's `finishedBy` entry: toModerate (to validate),
--   validated, novalidated (refused); NULL while the contribution is in progress.
-- Dates: {"$date": ms} as Meteor DDP sends them (an ISO string is accepted too).
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
