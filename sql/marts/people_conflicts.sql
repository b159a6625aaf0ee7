-- people_conflicts — les fiches qui ne peuvent pas être reliées sûrement à une personne, à trancher
-- par un admin (Répertoire, « Correspondances à vérifier »). Rien ici ne s'applique tout seul : la
-- décision d'un admin (app.person_links) retire la ligne à la construction suivante.
--
-- Motifs :
--   shared_email    l'e-mail de la fiche est aussi revendiqué par une autre fiche de la même source
--                   (deux citoyens Oceco, deux partenaires Odoo) : laquelle est la personne ?
--   name_match      pas d'e-mail (Oceco ne publie pas les e-mails de ses citoyens), et exactement une
--                   personne connue porte le même nom, ou un e-mail écrit « prenom.nom@ » avec ce nom
--   ambiguous_name  pas d'e-mail, et plusieurs personnes connues portent ce nom
--   no_email        pas d'e-mail, et personne de connu sous ce nom
-- Les noms sont comparés sans accents, casse ni ponctuation ; la partie locale d'un e-mail sans ses
-- chiffres finaux (« lea.payet2@ » se lit « lea payet »). Ce ne sont que des suggestions.
--
-- Grain: une ligne par fiche non résolue (people_links.resolution = 'unresolved').
-- Columns:
--   conflict_key      '<source>:<source_id>'
--   source            'odoo' | 'oceco'
--   source_id         l'id de la fiche dans sa source
--   record_name       le nom que donne la source
--   record_email      l'e-mail que donne la source (NULL s'il n'y en a pas)
--   reason            shared_email | name_match | ambiguous_name | no_email
--   candidate_emails  les personnes que la fiche peut être (triées) ; pour shared_email, l'e-mail partagé
--   candidate_names   leurs noms, même ordre
--   others            pour shared_email : les autres fiches qui revendiquent l'e-mail ('<source>:<id> nom')
--   suggested_email   le seul candidat, quand il y en a exactement un (sinon NULL)
--   volunteer_hours   heures Oceco validées de la fiche (pour trancher d'abord les plus actives)
with links as (
    select * from marts.people_links
),

open as (
    select * from links where resolution = 'unresolved'
),

normalised as (
    select
        open.*,
        trim(regexp_replace(strip_accents(lower(coalesce(record_name, ''))), '[^a-z0-9]+', ' ', 'g')) as name_key
    from open
),

known as (
    -- people with a safe e-mail, under each name they are known by
    select
        p.email,
        p.display_name,
        trim(regexp_replace(strip_accents(lower(coalesce(l.record_name, ''))), '[^a-z0-9]+', ' ', 'g')) as name_key
    from marts.people as p
    join links as l on l.person_key = p.person_key
    where p.email is not null
    union
    select
        p.email,
        p.display_name,
        trim(regexp_replace(regexp_replace(split_part(p.email, '@', 1), '[0-9]+$', ''), '[^a-z0-9]+', ' ', 'g'))
    from marts.people as p
    where p.email is not null
),

by_name as (
    select
        n.source,
        n.source_id,
        list(distinct k.email order by k.email) as emails
    from normalised as n
    join known as k on k.name_key = n.name_key and n.name_key <> ''
    where n.record_email is null
    group by n.source, n.source_id
),

named as (
    select b.source, b.source_id, b.emails,
           list(coalesce(p.display_name, b.e) order by b.e) as names
    from (select source, source_id, emails, unnest(emails) as e from by_name) as b
    left join marts.people as p on p.email = b.e
    group by b.source, b.source_id, b.emails
),

sharing as (
    select
        n.source,
        n.source_id,
        list(o.source || ':' || o.source_id || coalesce(' ' || o.record_name, '') order by o.source_id) as others
    from normalised as n
    join links as o
        on o.source = n.source and o.record_email = n.record_email and o.source_id <> n.source_id
    where n.record_email is not null
    group by n.source, n.source_id
),

hours as (
    select citoyen_id, sum(hours) as hours
    from marts.volunteer_contributions
    where state = 'validated'
    group by citoyen_id
)

select
    n.source || ':' || n.source_id                                          as conflict_key,
    n.source,
    n.source_id,
    n.record_name,
    n.record_email,
    case
        when n.record_email is not null then 'shared_email'
        when len(named.emails) = 1 then 'name_match'
        when len(named.emails) > 1 then 'ambiguous_name'
        else 'no_email'
    end                                                                     as reason,
    case when n.record_email is not null then [n.record_email]
         else coalesce(named.emails, []) end                                as candidate_emails,
    case when n.record_email is not null then [coalesce(n.record_name, n.record_email)]
         else coalesce(named.names, []) end                                 as candidate_names,
    coalesce(sharing.others, [])                                            as others,
    case when n.record_email is not null then n.record_email
         when len(named.emails) = 1 then named.emails[1] end                as suggested_email,
    coalesce(hours.hours, 0)::decimal(12, 2)                                as volunteer_hours
from normalised as n
left join named on named.source = n.source and named.source_id = n.source_id
left join sharing on sharing.source = n.source and sharing.source_id = n.source_id
left join hours on n.source = 'oceco' and hours.citoyen_id = n.source_id
