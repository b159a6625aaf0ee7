-- Mon tableau de bord — my tasks: the Oceco actions I joined that are not finished, or finished
-- and waiting for an admin's validation. I am the Oceco citizen(s) marts.people ties to my e-mail.
-- Parameters: $email.
-- Grain: one row per action, soonest first (undated last).
-- Columns: action_id, action_name, start_at, end_at (local time), credits,
--          state ('en_cours' | 'a_valider')
-- include: mon_tableau_de_bord/_moi.sql
citizens as (
    select unnest(p.oceco_citizen_ids) as citoyen_id
    from marts.people as p, me
    where lower(p.email) = me.email
)
select a.action_id, a.action_name, timezone(me.timezone, a.start_at) as start_at,
       timezone(me.timezone, a.end_at) as end_at, a.credits,
       case when a.finished_state = 'toModerate' then 'a_valider' else 'en_cours' end as state
from staging.stg_oceco__actions as a
join citizens as c on c.citoyen_id = a.contributor_id
cross join me
where a.finished_state is null or a.finished_state = 'toModerate'
order by a.start_at nulls last, a.action_name
