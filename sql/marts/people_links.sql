-- people_links — chaque fiche qui représente une personne dans une source, et la personne à laquelle
-- elle appartient.
--
-- Les personnes sont rapprochées entre sources par e-mail, écrit de la même façon (minuscules, sans
-- espace) : un partenaire Odoo (res.partner, personnes seulement : ni sociétés, ni archivés), un
-- utilisateur TiBillet (l'API de TiBillet ne connaît un utilisateur que par l'e-mail de ses
-- réservations : l'e-mail est la fiche), un citoyen Oceco, et les personnes qu'Alambic connaît
-- lui-même par e-mail (app.role_assignments, app.users).
-- Rien n'est deviné : une fiche est reliée à un e-mail seulement quand
--   * un admin l'a décidé (app.person_links, décision 'link'), ou
--   * elle porte cet e-mail et aucune autre fiche de la même source ne le revendique.
-- Le 'distinct' d'un admin fait de la fiche une personne à part. Toute autre fiche (un citoyen Oceco
-- sans e-mail — le listMembers d'Oceco ne le publie pas —, deux citoyens ou deux partenaires
-- partageant un e-mail) reste une personne à part et figure dans people_conflicts.
--
-- Grain: une ligne par (source, source_id).
-- Columns:
--   source         'odoo' | 'tibillet' | 'oceco' | 'alambic'
--   source_id      l'id de la fiche dans la source : id du partenaire, l'e-mail TiBillet, id du
--                  citoyen, l'e-mail pour les lignes propres d'Alambic
--   record_name    le nom que donne la source (NULL pour TiBillet et les attributions de rôle)
--   record_email   l'e-mail que donne la source, en minuscules sans espaces (NULL s'il n'y en a pas)
--   resolution     'email' (rapprochée par son e-mail), 'decision_link', 'decision_distinct',
--                  'unresolved' (un conflit : voir people_conflicts)
--   person_key     la personne : son e-mail, ou '<source>:<source_id>' pour une personne sans
--                  e-mail sûr
--   person_email   l'e-mail de la personne (NULL quand elle n'en a aucun de sûr)
--   link_id        la décision de l'admin (app.person_links), quand il y en a une
with records as (
    select 'odoo' as source, cast(partner_id as varchar) as source_id,
           coalesce(partner_name, display_name) as record_name, email as raw_email
    from staging.stg_odoo__partners
    where not is_company and is_active

    union all

    select distinct 'tibillet', regexp_replace(email, '\s+', '', 'g'), cast(null as varchar), email
    from staging.stg_tibillet__reservations
    where nullif(trim(email), '') is not null

    union all

    select 'oceco', citoyen_id, citoyen_name, email
    from staging.stg_oceco__citoyens

    union all

    select 'alambic', email, max(name), email
    from (
        select lower(regexp_replace(person_email, '\s+', '', 'g')) as email, cast(null as varchar) as name
        from app.role_assignments
        union all
        select lower(regexp_replace(email, '\s+', '', 'g')), nullif(trim(display_name), '')
        from app.users
    ) as known
    where nullif(email, '') is not null
    group by email
),

cleaned as (
    select
        source,
        source_id,
        nullif(trim(record_name), '')                                as record_name,
        nullif(lower(regexp_replace(raw_email, '\s+', '', 'g')), '') as record_email
    from records
),

decided as (
    select
        cleaned.*,
        links.link_id,
        links.decision,
        nullif(lower(regexp_replace(links.person_email, '\s+', '', 'g')), '') as decided_email
    from cleaned
    left join app.person_links as links
        on links.source = cleaned.source and links.source_id = cleaned.source_id
),

claims as (
    -- the e-mail each record stands for: the admin's, else its own (none once declared distinct)
    select
        decided.*,
        case
            when decision = 'link' then decided_email
            when decision = 'distinct' then null
            else record_email
        end as claimed_email
    from decided
),

counted as (
    select
        claims.*,
        count(*) filter (where claimed_email is not null)
            over (partition by source, claimed_email) as same_source_claims
    from claims
),

resolved as (
    select
        *,
        case
            when decision = 'link' then 'decision_link'
            when decision = 'distinct' then 'decision_distinct'
            when record_email is not null and (source in ('tibillet', 'alambic') or same_source_claims = 1)
                then 'email'
            else 'unresolved'
        end as resolution
    from counted
)

select
    source,
    source_id,
    record_name,
    record_email,
    resolution,
    case when resolution in ('email', 'decision_link') then claimed_email
         else source || ':' || source_id end                               as person_key,
    case when resolution in ('email', 'decision_link') then claimed_email end as person_email,
    link_id
from resolved
