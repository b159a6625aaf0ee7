-- volunteer_contributions — each piece of volunteering Oceco knows, with its person, unit and day:
-- the detail behind volunteer_hours and the list of actions waiting for validation.
--
-- What counts (Oceco's rules):
--   * 'action': a contributor's participation in an action with credits > 0, once they finished it:
--     finishedBy = validated (state 'validated') or toModerate (state 'pending': waiting for an
--     admin). Refused (novalidated) and unfinished participations do not count. Its hours are its
--     credits: La Raffinerie's time-currency counts hours (Oceco's unit label « h »); when the
--     credit log holds what an admin actually credited for it, that amount is used.
--   * 'spend': a validated participation in an action with credits < 0 (a « dépense », debited when
--     joining): credits only, no hours.
--   * 'adjustment': a manual line of the credit log (no action; refunds, « Remboursement », left
--     out since the refunded participation is gone from the action too): hours and credits.
-- Day: the action's end (else its start, else the day it was credited), in the organisation's
-- time zone; an undated pending action is counted on the build's day (as_of).
-- Unit: an action on a project → the project's unit (marts.volunteer_projects); on an event → the
-- unit of the event's project, else of the action's first tag (a unit's name); on the organisation,
-- an adjustment, or anything not tied → La Raffinerie (the root unit), with unit_mapped = false
-- when a link was looked for and not found.
--
-- Grain: one row per (action, contributor) or per adjustment line.
-- Columns:
--   entry_id      '<action id>:<citoyen id>' or the log line's id
--   kind          action | spend | adjustment
--   action_id     Oceco action (NULL for an adjustment)
--   action_name   its name (the adjustment's comment)
--   citoyen_id    Oceco citizen
--   person_key    the person (marts.people_links)
--   person_email  their e-mail, when safe (NULL until matched)
--   person_name   their name (marts.people)
--   unit_code     the unit the hours count for
--   unit_mapped   false when the action's pôle could not be found
--   day           the local day it counts on
--   month         first day of that month
--   state         validated | pending
--   hours         hours given (0 for a spend)
--   credits       credits it brings (negative for a spend)
with settings as (
    select as_of, timezone from staging.stg_ref__settings
),

root as (
    select min(unit_code) as unit_code from ref.units where parent_code is null
),

unit_names as (
    select
        unit_code,
        level,
        trim(regexp_replace(strip_accents(lower(name)), '[^a-z0-9]+', ' ', 'g')) as key
    from ref.units
),

tag_units as (
    -- a tag names a unit when exactly one unit (or exactly one pôle) bears that name
    select key, coalesce(any_value(unit_code) filter (where level = 'pole'), any_value(unit_code)) as unit_code
    from unit_names
    group by key
    having count(*) filter (where level = 'pole') = 1 or count(*) = 1
),

ledger as (
    select
        action_id,
        citoyen_id,
        sum(credits)    as credits,
        min(created_at) as credited_at
    from staging.stg_oceco__loguseractions
    where action_id is not null and coalesce(comment, '') <> 'Remboursement'
    group by action_id, citoyen_id
),

participations as (
    select
        a.action_id,
        a.action_name,
        a.contributor_id as citoyen_id,
        a.parent_type,
        a.parent_id,
        a.finished_state,
        a.credits,
        coalesce(a.end_at, a.start_at, l.credited_at) as counted_at,
        l.credits                                     as logged_credits,
        trim(regexp_replace(strip_accents(lower(coalesce(a.tags->>0, ''))), '[^a-z0-9]+', ' ', 'g')) as tag_key
    from staging.stg_oceco__actions as a
    left join ledger as l on l.action_id = a.action_id and l.citoyen_id = a.contributor_id
    where a.contributor_id is not null
      and (
          (a.credits > 0 and a.finished_state in ('validated', 'toModerate'))
          or (a.credits < 0 and a.finished_state = 'validated')
      )
),

placed as (
    select
        p.*,
        case p.parent_type
            when 'organizations' then (select unit_code from root)
            when 'projects' then project.unit_code
            when 'events' then coalesce(event_project.unit_code, tag.unit_code)
        end                                             as mapped_unit
    from participations as p
    left join marts.volunteer_projects as project
        on p.parent_type = 'projects' and project.project_id = p.parent_id
    left join staging.stg_oceco__events as event
        on p.parent_type = 'events' and event.event_id = p.parent_id
    left join marts.volunteer_projects as event_project
        on event_project.project_id = event.project_id
    left join tag_units as tag
        on tag.key = p.tag_key and p.tag_key <> ''
),

entries as (
    select
        action_id || ':' || citoyen_id                                  as entry_id,
        case when credits > 0 then 'action' else 'spend' end            as kind,
        action_id,
        action_name,
        citoyen_id,
        coalesce(mapped_unit, (select unit_code from root))             as unit_code,
        mapped_unit is not null                                         as unit_mapped,
        counted_at,
        case when finished_state = 'validated' then 'validated' else 'pending' end as state,
        case when credits > 0 then
            case when finished_state = 'validated' then coalesce(logged_credits, credits) else credits end
            else 0 end                                                  as hours,
        case when credits > 0 and finished_state = 'validated' then coalesce(logged_credits, credits)
             else credits end                                           as credits
    from placed

    union all

    select
        log_id,
        'adjustment',
        cast(null as varchar),
        comment,
        citoyen_id,
        (select unit_code from root),
        true,
        created_at,
        'validated',
        credits,
        credits
    from staging.stg_oceco__loguseractions
    where action_id is null and coalesce(comment, '') <> 'Remboursement'
)

select
    e.entry_id,
    e.kind,
    e.action_id,
    e.action_name,
    e.citoyen_id,
    coalesce(l.person_key, 'oceco:' || e.citoyen_id)                       as person_key,
    l.person_email,
    coalesce(p.display_name, 'Oceco ' || e.citoyen_id)                     as person_name,
    e.unit_code,
    e.unit_mapped,
    coalesce(cast(timezone(s.timezone, e.counted_at) as date), s.as_of)    as day,
    date_trunc('month', coalesce(cast(timezone(s.timezone, e.counted_at) as date), s.as_of))::date as month,
    e.state,
    cast(e.hours as decimal(12, 2))                                        as hours,
    cast(e.credits as decimal(12, 2))                                      as credits
from entries as e
cross join settings as s
left join marts.people_links as l on l.source = 'oceco' and l.source_id = e.citoyen_id
left join marts.people as p on p.person_key = l.person_key
