-- role_history — chaque attribution de rôle jamais saisie, avec sa période : l'historique de l'organigramme.
--
-- Rien n'en est jamais supprimé : terminer un rôle fixe sa date de fin
-- (app.role_assignments.ended_on), pour que qui a tenu quoi, et quand, reste lisible.
--
-- Grain: une ligne par attribution (app.role_assignments).
-- Columns:
--   assignment_id   l'attribution (app.role_assignments)
--   unit_code       l'unité ('303')
--   unit_name       son nom ('Potager'), NULL quand l'unité a quitté la configuration
--   level           son niveau (groupe | pole | projet …)
--   path            les codes de la racine jusqu'à l'unité ('R/30/303')
--   tree_key        trie les unités dans l'ordre de l'arbre (comme dans role_chart)
--   role_code       le rôle ('garant_cadre')
--   role_label      son libellé d'après la configuration (le code quand le rôle l'a quittée)
--   role_sort       sa position dans le catalogue
--   person_email    qui l'a tenu (minuscules)
--   person_name     son nom (partenaire Odoo de cet e-mail), NULL si inconnu
--   started_on      premier jour tenu
--   ended_on        dernier jour tenu ; NULL : toujours tenu
--   status          'en_cours' (tenu à as_of) | 'terminee' (fini avant as_of) | 'a_venir'
--                   (commence après as_of)
--   days_held       jours tenus jusqu'à ended_on, ou jusqu'à as_of tant qu'il est tenu (0 pour un
--                   rôle à venir)
--   created_by, updated_by, updated_at   qui l'a saisi, qui l'a modifié en dernier, et quand
--   as_of           l'« aujourd'hui » de la construction
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
