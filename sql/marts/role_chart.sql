-- role_chart — l'organigramme : pour chaque unité, chaque rôle dont son niveau a besoin, qui le
-- tient aujourd'hui et depuis quand ; un rôle que personne ne tient aujourd'hui est « vacant ».
--
-- Les rôles dont une unité a besoin viennent de la configuration ([[roles]], niveaux → ref.roles) ;
-- qui les tient, de ce que les membres ont saisi (app.role_assignments). « Aujourd'hui » est l'as_of
-- de la construction (staging.stg_ref__settings). Une attribution vaut de started_on à ended_on,
-- bornes comprises ; ended_on NULL : toujours tenue. Une attribution qui commence après as_of ne
-- vaut pas encore : elle apparaît comme prochain titulaire d'un rôle vacant.
--
-- Grain: une ligne par unité × rôle requis à son niveau × titulaire actuel (un rôle qui peut avoir
--        plusieurs titulaires, p. ex. bienveillant·e, a une ligne par titulaire) ; un rôle vacant
--        est une ligne sans titulaire.
-- Columns:
--   unit_code          le code de l'unité ('303')
--   unit_name          son nom ('Potager')
--   level              groupe | pole | projet | … (le niveau auquel le rôle est requis)
--   parent_code        l'unité au-dessus
--   depth              1 pour un groupe, 2 pour un pôle, …
--   path               les codes de la racine jusqu'à l'unité ('R/30/303')
--   tree_key           trie les unités dans l'ordre de l'arbre (groupe, puis ses pôles, chacun avec
--                      ses projets)
--   role_code          le code du rôle ('garant_cadre')
--   role_label         son libellé ('Garant·e du cadre')
--   role_sort          la position du rôle dans le catalogue
--   assignment_id      l'attribution du titulaire (app.role_assignments), NULL si vacant
--   person_email       l'e-mail du titulaire (minuscules), NULL si vacant
--   person_name        le nom du titulaire (partenaire Odoo de cet e-mail), NULL si inconnu
--   since              le jour où le titulaire a pris le rôle (started_on)
--   until              la fin prévue du rôle, si saisie (ended_on ≥ as_of), sinon NULL
--   vacant             vrai quand personne ne tient le rôle à as_of
--   holder_count       combien de personnes tiennent le rôle à as_of
--   next_person_email  pour un rôle vacant : qui le prendra ensuite (une attribution qui commence
--                      après as_of)
--   next_started_on    … et à partir de quand
--   as_of              le jour que décrit l'organigramme
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
