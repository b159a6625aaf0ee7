-- volunteer_contributions — chaque contribution bénévole connue d'Oceco, avec sa personne, son
-- unité et son jour : le détail derrière volunteer_hours et la liste des actions en attente de
-- validation.
--
-- Ce qui compte (règles d'Oceco) :
--   * 'action' : la participation d'un contributeur à une action à crédits > 0, une fois qu'il l'a
--     terminée : finishedBy = validated (état 'validated') ou toModerate (état 'pending' : en
--     attente d'un admin). Les participations refusées (novalidated) et non terminées ne comptent
--     pas. Ses heures sont ses crédits : la monnaie-temps de La Raffinerie compte des heures
--     (libellé d'unité d'Oceco « h ») ; quand le journal des crédits porte ce qu'un admin a
--     réellement crédité pour elle, c'est ce montant qui sert.
--   * 'spend' : une participation validée à une action à crédits < 0 (une « dépense », débitée à
--     l'inscription) : des crédits seulement, pas d'heures.
--   * 'adjustment' : une ligne manuelle du journal des crédits (sans action ; les remboursements,
--     « Remboursement », sont écartés puisque la participation remboursée a aussi disparu de
--     l'action) : heures et crédits.
-- Jour : la fin de l'action (sinon son début, sinon le jour où elle a été créditée), dans le fuseau
-- horaire de l'organisation ; une action en attente non datée compte le jour de la construction (as_of).
-- Unité : une action sur un projet → l'unité du projet (marts.volunteer_projects) ; sur un
-- évènement → l'unité du projet de l'évènement, sinon celle de la première étiquette de l'action
-- (le nom d'une unité) ; sur l'organisation, un ajustement, ou tout ce qui n'est pas relié → La
-- Raffinerie (l'unité racine), avec unit_mapped = false quand un lien a été cherché sans être trouvé.
--
-- Grain: une ligne par (action, contributeur) ou par ligne d'ajustement.
-- Columns:
--   entry_id      '<id d'action>:<id de citoyen>' ou l'id de la ligne du journal
--   kind          action | spend | adjustment
--   action_id     action Oceco (NULL pour un ajustement)
--   action_name   son nom (le commentaire de l'ajustement)
--   citoyen_id    citoyen Oceco
--   person_key    la personne (marts.people_links)
--   person_email  son e-mail, quand il est sûr (NULL tant que non rapproché)
--   person_name   son nom (marts.people)
--   unit_code     l'unité pour laquelle les heures comptent
--   unit_mapped   faux quand le pôle de l'action n'a pas été trouvé
--   day           le jour local où elle compte
--   month         premier jour de ce mois
--   state         validated (validée) | pending (en attente)
--   hours         heures données (0 pour une dépense)
--   credits       crédits qu'elle apporte (négatifs pour une dépense)
with settings as (
    select as_of, timezone from staging.stg_ref__settings
),

root as (
    select min(unit_code) as unit_code from ref.units where parent_code is null
),

unit_names as (
    select
        unit_code,
        level,
        trim(regexp_replace(strip_accents(lower(name)), '[^a-z0-9]+', ' ', 'g')) as key
    from ref.units
),

tag_units as (
    -- a tag names a unit when exactly one unit (or exactly one pôle) bears that name
    select key, coalesce(any_value(unit_code) filter (where level = 'pole'), any_value(unit_code)) as unit_code
    from unit_names
    group by key
    having count(*) filter (where level = 'pole') = 1 or count(*) = 1
),

ledger as (
    select
        action_id,
        citoyen_id,
        sum(credits)    as credits,
        min(created_at) as credited_at
    from staging.stg_oceco__loguseractions
    where action_id is not null and coalesce(comment, '') <> 'Remboursement'
    group by action_id, citoyen_id
),

participations as (
    select
        a.action_id,
        a.action_name,
        a.contributor_id as citoyen_id,
        a.parent_type,
        a.parent_id,
        a.finished_state,
        a.credits,
        coalesce(a.end_at, a.start_at, l.credited_at) as counted_at,
        l.credits                                     as logged_credits,
        trim(regexp_replace(strip_accents(lower(coalesce(a.tags->>0, ''))), '[^a-z0-9]+', ' ', 'g')) as tag_key
    from staging.stg_oceco__actions as a
    left join ledger as l on l.action_id = a.action_id and l.citoyen_id = a.contributor_id
    where a.contributor_id is not null
      and (
          (a.credits > 0 and a.finished_state in ('validated', 'toModerate'))
          or (a.credits < 0 and a.finished_state = 'validated')
      )
),

placed as (
    select
        p.*,
        case p.parent_type
            when 'organizations' then (select unit_code from root)
            when 'projects' then project.unit_code
            when 'events' then coalesce(event_project.unit_code, tag.unit_code)
        end                                             as mapped_unit
    from participations as p
    left join marts.volunteer_projects as project
        on p.parent_type = 'projects' and project.project_id = p.parent_id
    left join staging.stg_oceco__events as event
        on p.parent_type = 'events' and event.event_id = p.parent_id
    left join marts.volunteer_projects as event_project
        on event_project.project_id = event.project_id
    left join tag_units as tag
        on tag.key = p.tag_key and p.tag_key <> ''
),

entries as (
    select
        action_id || ':' || citoyen_id                                  as entry_id,
        case when credits > 0 then 'action' else 'spend' end            as kind,
        action_id,
        action_name,
        citoyen_id,
        coalesce(mapped_unit, (select unit_code from root))             as unit_code,
        mapped_unit is not null                                         as unit_mapped,
        counted_at,
        case when finished_state = 'validated' then 'validated' else 'pending' end as state,
        case when credits > 0 then
            case when finished_state = 'validated' then coalesce(logged_credits, credits) else credits end
            else 0 end                                                  as hours,
        case when credits > 0 and finished_state = 'validated' then coalesce(logged_credits, credits)
             else credits end                                           as credits
    from placed

    union all

    select
        log_id,
        'adjustment',
        cast(null as varchar),
        comment,
        citoyen_id,
        (select unit_code from root),
        true,
        created_at,
        'validated',
        credits,
        credits
    from staging.stg_oceco__loguseractions
    where action_id is null and coalesce(comment, '') <> 'Remboursement'
)

select
    e.entry_id,
    e.kind,
    e.action_id,
    e.action_name,
    e.citoyen_id,
    coalesce(l.person_key, 'oceco:' || e.citoyen_id)                       as person_key,
    l.person_email,
    coalesce(p.display_name, 'Oceco ' || e.citoyen_id)                     as person_name,
    e.unit_code,
    e.unit_mapped,
    coalesce(cast(timezone(s.timezone, e.counted_at) as date), s.as_of)    as day,
    date_trunc('month', coalesce(cast(timezone(s.timezone, e.counted_at) as date), s.as_of))::date as month,
    e.state,
    cast(e.hours as decimal(12, 2))                                        as hours,
    cast(e.credits as decimal(12, 2))                                      as credits
from entries as e
cross join settings as s
left join marts.people_links as l on l.source = 'oceco' and l.source_id = e.citoyen_id
left join marts.people as p on p.person_key = l.person_key
