-- people_conflicts — the records that cannot be tied to a person safely, for an admin to settle
-- (Répertoire, « Correspondances à vérifier »). Nothing here is applied on its own: an admin's
-- decision (app.person_links) removes the row at the next build.
--
-- Reasons:
--   shared_email    the record's e-mail is also claimed by another record of the same source
--                   (two Oceco citizens, two Odoo partners): which one is the person?
--   name_match      no e-mail (Oceco does not publish its citizens' e-mails), and exactly one
--                   known person has the same name, or an e-mail written « prenom.nom@ » with it
--   ambiguous_name  no e-mail, and several known people have that name
--   no_email        no e-mail, and nobody known by that name
-- Names are compared without accents, case nor punctuation; an e-mail's local part without its
-- trailing digits (« lea.payet2@ » reads « lea payet »). These are suggestions only.
--
-- Grain: one row per unresolved record (people_links.resolution = 'unresolved').
-- Columns:
--   conflict_key      '<source>:<source_id>'
--   source            'odoo' | 'oceco'
--   source_id         the record's id in its source
--   record_name       the name the source gives
--   record_email      the e-mail the source gives (NULL when none)
--   reason            shared_email | name_match | ambiguous_name | no_email
--   candidate_emails  the people the record may be (sorted); for shared_email, the shared e-mail
--   candidate_names   their names, same order
--   others            for shared_email: the other records claiming the e-mail ('<source>:<id> name')
--   suggested_email   the only candidate, when there is exactly one (else NULL)
--   volunteer_hours   validated Oceco hours of the record (to settle the busiest first)
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
