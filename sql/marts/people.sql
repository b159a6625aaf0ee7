-- people — une ligne par personne connue d'Alambic, à travers Odoo, TiBillet, Oceco et les lignes
-- propres d'Alambic, selon la façon dont marts.people_links relie leurs fiches (par e-mail, ou par
-- décision d'un admin).
--
-- Coordonnées : aucune source n'enregistre quelles coordonnées une personne accepte de montrer (Odoo
-- et TiBillet n'ont pas ce réglage ; le listMembers d'Oceco ne publie ni e-mail ni téléphone). Ce
-- mart ne porte donc ni téléphone ni adresse, et l'annuaire ne montre que ce qui est sûr entre
-- membres : nom, pôles, rôles et badges. `email` est la clé de rapprochement ; les pages ne le
-- montrent qu'aux admins.
--
-- Grain: une ligne par personne (person_key).
-- Columns:
--   person_key            l'e-mail de la personne, ou '<source>:<id>' pour une personne sans e-mail sûr
--   email                 l'e-mail (NULL quand aucun n'est sûr)
--   display_name          le nom : celui du partenaire Odoo, sinon du compte Alambic, sinon d'Oceco,
--                         sinon la partie locale de l'e-mail
--   sort_name             display_name sans accents ni casse, pour le tri et la recherche
--   odoo_partner_id       le partenaire Odoo (le plus petit id si un admin en a relié plusieurs)
--   odoo_partner_ids      tous les partenaires Odoo reliés à la personne
--   tibillet_user_id      l'e-mail sous lequel TiBillet connaît la personne (NULL : aucune réservation)
--   tibillet_reservations combien de réservations TiBillet sous cet e-mail
--   oceco_citizen_id      le citoyen Oceco (le plus petit id si un admin en a relié plusieurs)
--   oceco_citizen_ids     tous les citoyens Oceco reliés à la personne
--   unit_codes            les pôles de la personne : unités où elle tient un rôle aujourd'hui, et
--                         unités des projets Oceco auxquels elle contribue (ordre de l'arbre)
--   unit_names            les noms de ces mêmes unités, même ordre
--   role_codes            les rôles tenus aujourd'hui (app.role_assignments, as_of de la construction)
--   roles                 les mêmes sous la forme « libellé (nom de l'unité) », ordre du catalogue
--   badges                les rôles qu'Oceco donne à son adhésion (links.memberOf.roles)
--   is_oceco_admin        la personne administre l'organisation dans Oceco
--   is_member             connue d'Oceco, ou tient (ou a tenu) un rôle, ou a un compte Alambic :
--                         l'annuaire liste ces personnes ; une personne connue seulement de TiBillet
--                         ou d'Odoo n'y est pas
--   sources               les sources qui connaissent la personne ('alambic', 'odoo', 'oceco', 'tibillet')
--   has_conflict          une des fiches de la personne attend un admin (people_conflicts)
with settings as (
    select as_of from staging.stg_ref__settings
),

links as (
    select * from marts.people_links
),

role_labels as (
    select role_code, any_value(label) as label, min(sort) as sort
    from ref.roles
    group by role_code
),

current_roles as (
    select distinct
        lower(regexp_replace(ra.person_email, '\s+', '', 'g')) as person_key,
        ra.role_code,
        ra.unit_code
    from app.role_assignments as ra
    cross join settings
    where ra.started_on <= settings.as_of
      and (ra.ended_on is null or ra.ended_on >= settings.as_of)
),

ever_roles as (
    select distinct lower(regexp_replace(person_email, '\s+', '', 'g')) as person_key
    from app.role_assignments
),

accounts as (
    select lower(regexp_replace(email, '\s+', '', 'g')) as person_key, max(nullif(trim(display_name), '')) as name
    from app.users
    group by 1
),

project_units as (
    select distinct links.person_key, vp.unit_code
    from staging.stg_oceco__project_contributors as pc
    join links on links.source = 'oceco' and links.source_id = pc.citoyen_id
    join marts.volunteer_projects as vp on vp.project_id = pc.project_id
    where vp.unit_code is not null
),

person_units as (
    select person_key, unit_code from current_roles
    union
    select person_key, unit_code from project_units
),

units_of as (
    select
        pu.person_key,
        list(pu.unit_code order by u.sort, u.unit_code) as unit_codes,
        list(u.name order by u.sort, u.unit_code)       as unit_names
    from person_units as pu
    join ref.units as u using (unit_code)
    group by pu.person_key
),

roles_of as (
    select
        cr.person_key,
        list(distinct cr.role_code order by cr.role_code)                              as role_codes,
        list(coalesce(rl.label, cr.role_code) || ' (' || coalesce(u.name, cr.unit_code) || ')'
             order by coalesce(rl.sort, 999), u.sort, cr.unit_code, cr.role_code)      as roles
    from current_roles as cr
    left join role_labels as rl using (role_code)
    left join ref.units as u using (unit_code)
    group by cr.person_key
),

memberships as (
    select
        links.person_key,
        bool_or(m.is_admin)                            as is_oceco_admin,
        list_sort(list_distinct(flatten(list(m.roles)))) as badges
    from staging.stg_oceco__memberships as m
    join links on links.source = 'oceco' and links.source_id = m.citoyen_id
    group by links.person_key
),

reservations as (
    select regexp_replace(email, '\s+', '', 'g') as source_id, count(*) as reservations
    from staging.stg_tibillet__reservations
    group by 1
),

grouped as (
    select
        links.person_key,
        min(links.person_email)                                                         as email,
        min(links.record_name) filter (where links.source = 'odoo')                     as odoo_name,
        min(links.record_name) filter (where links.source = 'oceco')                    as oceco_name,
        min(try_cast(links.source_id as bigint)) filter (where links.source = 'odoo')       as odoo_partner_id,
        list(try_cast(links.source_id as bigint) order by try_cast(links.source_id as bigint))
            filter (where links.source = 'odoo')                                        as odoo_partner_ids,
        min(links.source_id) filter (where links.source = 'tibillet')                   as tibillet_user_id,
        min(links.source_id) filter (where links.source = 'oceco')                      as oceco_citizen_id,
        list(links.source_id order by links.source_id) filter (where links.source = 'oceco') as oceco_citizen_ids,
        list(distinct links.source order by links.source)                               as sources,
        bool_or(links.resolution = 'unresolved')                                        as has_conflict
    from links
    group by links.person_key
)

select
    g.person_key,
    g.email,
    coalesce(g.odoo_name, accounts.name, g.oceco_name, split_part(g.email, '@', 1), g.person_key) as display_name,
    trim(regexp_replace(strip_accents(lower(
        coalesce(g.odoo_name, accounts.name, g.oceco_name, split_part(g.email, '@', 1), g.person_key)
    )), '\s+', ' ', 'g'))                                                                   as sort_name,
    g.odoo_partner_id,
    coalesce(g.odoo_partner_ids, [])                                                        as odoo_partner_ids,
    g.tibillet_user_id,
    coalesce(reservations.reservations, 0)                                                  as tibillet_reservations,
    g.oceco_citizen_id,
    coalesce(g.oceco_citizen_ids, [])                                                       as oceco_citizen_ids,
    coalesce(units_of.unit_codes, [])                                                       as unit_codes,
    coalesce(units_of.unit_names, [])                                                       as unit_names,
    coalesce(roles_of.role_codes, [])                                                       as role_codes,
    coalesce(roles_of.roles, [])                                                            as roles,
    coalesce(memberships.badges, [])                                                        as badges,
    coalesce(memberships.is_oceco_admin, false)                                             as is_oceco_admin,
    (g.oceco_citizen_id is not null or ever_roles.person_key is not null
        or accounts.person_key is not null)                                                 as is_member,
    g.sources,
    g.has_conflict
from grouped as g
left join accounts on accounts.person_key = g.person_key
left join ever_roles on ever_roles.person_key = g.person_key
left join units_of on units_of.person_key = g.person_key
left join roles_of on roles_of.person_key = g.person_key
left join memberships on memberships.person_key = g.person_key
left join reservations on reservations.source_id = g.tibillet_user_id
