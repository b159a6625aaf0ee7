-- role_history — every role assignment ever entered, with its period: the organigramme's history.
--
-- Nothing is ever deleted from it: ending a role sets its end date (app.role_assignments.ended_on),
-- so that who held what, and when, stays readable.
--
-- Grain: one row per assignment (app.role_assignments).
-- Columns:
--   assignment_id   the assignment (app.role_assignments)
--   unit_code       the unit ('303')
--   unit_name       its name ('Potager'), NULL when the unit left the configuration
--   level           its level (groupe | pole | projet …)
--   path            codes from the root down to the unit ('R/30/303')
--   tree_key        sorts the units in tree order (as in role_chart)
--   role_code       the role ('garant_cadre')
--   role_label      its label from the configuration (the code when the role left it)
--   role_sort       its position in the catalogue
--   person_email    who held it (lower case)
--   person_name     their name (Odoo partner with that e-mail), NULL when unknown
--   started_on      first day held
--   ended_on        last day held; NULL: still held
--   status          'en_cours' (held on as_of) | 'terminee' (ended before as_of) | 'a_venir' (starts after as_of)
--   days_held       days held up to ended_on, or up to as_of while still held (0 for one to come)
--   created_by, updated_by, updated_at   who entered it and who changed it last, when
--   as_of           the build's « today »
with settings as (
    select as_of from staging.stg_ref__settings
),

catalogue as (
    select role_code, min(label) as role_label, min(sort) as role_sort
    from ref.roles
    group by role_code
),

tree as (
    select unit_code, tree_key from marts.org_tree
),

people as (
    select email, min(coalesce(partner_name, display_name)) as person_name
    from staging.stg_odoo__partners
    where email is not null
    group by email
)

select
    assignments.assignment_id,
    assignments.unit_code,
    units.name                                              as unit_name,
    units.level,
    units.path,
    tree.tree_key,
    assignments.role_code,
    coalesce(catalogue.role_label, assignments.role_code)   as role_label,
    catalogue.role_sort,
    lower(trim(assignments.person_email))                   as person_email,
    people.person_name,
    assignments.started_on,
    assignments.ended_on,
    case
        when assignments.started_on > settings.as_of then 'a_venir'
        when assignments.ended_on < settings.as_of then 'terminee'
        else 'en_cours'
    end                                                     as status,
    greatest(0, date_diff('day', assignments.started_on,
                          least(coalesce(assignments.ended_on, settings.as_of), settings.as_of)) + 1)
                                                            as days_held,
    assignments.created_by,
    assignments.updated_by,
    assignments.updated_at,
    settings.as_of
from app.role_assignments as assignments
cross join settings
left join ref.units as units on units.unit_code = assignments.unit_code
left join tree on tree.unit_code = assignments.unit_code
left join catalogue on catalogue.role_code = assignments.role_code
left join people on people.email = lower(trim(assignments.person_email))
order by tree.tree_key, catalogue.role_sort, assignments.started_on, assignments.assignment_id
