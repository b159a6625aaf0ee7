-- people_links — every record that stands for a person in a source, and the person it belongs to.
--
-- People are matched across the sources by e-mail, written the same way (lower case, no space):
-- an Odoo partner (res.partner, people only: not companies, active), a TiBillet user (TiBillet's
-- API knows a user only by the e-mail of their reservations: the e-mail is the record), an Oceco
-- citizen, and the people Alambic itself knows by e-mail (app.role_assignments, app.users).
-- Nothing is guessed: a record is tied to an e-mail only when
--   * an admin decided so (app.person_links, decision 'link'), or
--   * it carries that e-mail and no other record of the same source claims it.
-- An admin's 'distinct' makes the record a person of its own. Every other record (an Oceco
-- citizen without e-mail — Oceco's listMembers does not publish it —, two citizens or two
-- partners sharing one e-mail) stays a person of its own and is listed in people_conflicts.
--
-- Grain: one row per (source, source_id).
-- Columns:
--   source         'odoo' | 'tibillet' | 'oceco' | 'alambic'
--   source_id      the record's id in the source: partner id, the TiBillet e-mail, citoyen id,
--                  the e-mail for Alambic's own rows
--   record_name    the name the source gives (NULL for TiBillet and role assignments)
--   record_email   the e-mail the source gives, lower case without spaces (NULL when none)
--   resolution     'email' (matched by its e-mail), 'decision_link', 'decision_distinct',
--                  'unresolved' (a conflict: see people_conflicts)
--   person_key     the person: their e-mail, or '<source>:<source_id>' for a person without
--                  a safe e-mail
--   person_email   the person's e-mail (NULL when the person has none that is safe)
--   link_id        the admin's decision (app.person_links), when there is one
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
