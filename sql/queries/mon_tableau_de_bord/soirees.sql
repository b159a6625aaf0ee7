-- Mon tableau de bord — the soirées to come where I am référent·e (app.event_referents joined to
-- the TiBillet events), from the build's day on.
-- Parameters: $email.
-- Grain: one row per soirée, soonest first.
-- Columns: event_id, event_name, start_at, soiree_day, capacity, unit_name
-- include: mon_tableau_de_bord/_moi.sql
mine as (
    select distinct r.event_id, r.unit_code
    from app.event_referents as r, me
    where lower(r.person_email) = me.email
)
select e.event_id, e.event_name, e.start_at, e.soiree_day, e.capacity, u.name as unit_name
from mine
join staging.stg_tibillet__events as e using (event_id)
left join ref.units as u on u.unit_code = mine.unit_code
cross join me
where e.soiree_day >= me.as_of and not e.is_cancelled
order by e.start_at, e.event_name
