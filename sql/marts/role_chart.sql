-- role_chart — the roles chart (organigramme): for every unit, each role its level needs, who
-- holds it today and since when; a role nobody holds today is « vacant ».
--
-- The roles a unit needs come from the configuration ([[roles]], levels → ref.roles); who holds
-- them from what members entered (app.role_assignments). « Today » is the build's as_of
-- (staging.stg_ref__settings). An assignment holds from started_on to ended_on, both included;
-- ended_on NULL: still held. An assignment that starts after as_of does not hold yet: it shows
-- as the next holder of a vacant role.
--
-- Grain: one row per unit × role needed at its level × current holder (a role that may have
--        several holders, e.g. bienveillant·e, has one row per holder); a vacant role is one
--        row without holder.
-- Columns:
--   unit_code          the unit's code ('303')
--   unit_name          its name ('Potager')
--   level              groupe | pole | projet | … (the level the role is needed at)
--   parent_code        the unit above
--   depth              1 for a groupe, 2 for a pôle, …
--   path               codes from the root down to the unit ('R/30/303')
--   tree_key           sorts the units in tree order (groupe, then its pôles, each with its projets)
--   role_code          the role's code ('garant_cadre')
--   role_label         its label ('Garant·e du cadre')
--   role_sort          the role's position in the catalogue
--   assignment_id      the holder's assignment (app.role_assignments), NULL when vacant
--   person_email       the holder's e-mail (lower case), NULL when vacant
--   person_name        the holder's name (Odoo partner with that e-mail), NULL when unknown
--   since              the day the holder took the role (started_on)
--   until              the planned end of the role, if entered (ended_on ≥ as_of), else NULL
--   vacant             true when nobody holds the role on as_of
--   holder_count       how many people hold the role on as_of
--   next_person_email  for a vacant role: who will take it next (an assignment starting after as_of)
--   next_started_on    … and from when
--   as_of              the day the chart describes
with settings as (
    select as_of from staging.stg_ref__settings
),

needed as (
    select
        units.unit_code,
        units.name      as unit_name,
        units.level,
        units.parent_code,
        units.depth,
        units.path,
        roles.role_code,
        roles.label     as role_label,
        roles.sort      as role_sort
    from ref.units as units
    join ref.roles as roles on roles.level = units.level
),

tree as (
    select unit_code, tree_key from marts.org_tree
),

people as (
    select email, min(coalesce(partner_name, display_name)) as person_name
    from staging.stg_odoo__partners
    where email is not null
    group by email
),

held as (
    select assignments.*
    from app.role_assignments as assignments, settings
    where assignments.started_on <= settings.as_of
      and (assignments.ended_on is null or assignments.ended_on >= settings.as_of)
),

upcoming as (
    select
        assignments.unit_code,
        assignments.role_code,
        -- two people starting the same day: the first by e-mail, the same at every build
        arg_min(lower(trim(assignments.person_email)),
                (assignments.started_on, lower(trim(assignments.person_email)))) as next_person_email,
        min(assignments.started_on)                                           as next_started_on
    from app.role_assignments as assignments, settings
    where assignments.started_on > settings.as_of
    group by assignments.unit_code, assignments.role_code
)

select
    needed.unit_code,
    needed.unit_name,
    needed.level,
    needed.parent_code,
    needed.depth,
    needed.path,
    tree.tree_key,
    needed.role_code,
    needed.role_label,
    needed.role_sort,
    held.assignment_id,
    lower(trim(held.person_email))                                    as person_email,
    people.person_name,
    held.started_on                                                   as since,
    held.ended_on                                                     as until,
    held.assignment_id is null                                        as vacant,
    count(held.assignment_id) over (partition by needed.unit_code, needed.role_code) as holder_count,
    case when held.assignment_id is null then upcoming.next_person_email end as next_person_email,
    case when held.assignment_id is null then upcoming.next_started_on end   as next_started_on,
    settings.as_of
from needed
cross join settings
left join tree on tree.unit_code = needed.unit_code
left join held on held.unit_code = needed.unit_code and held.role_code = needed.role_code
left join people on people.email = lower(trim(held.person_email))
left join upcoming on upcoming.unit_code = needed.unit_code and upcoming.role_code = needed.role_code
order by tree.tree_key, needed.role_sort, held.started_on, person_email
