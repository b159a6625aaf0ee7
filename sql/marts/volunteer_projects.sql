-- volunteer_projects — quelle unité de l'organisation chaque projet Oceco (un « pôle » dans
-- l'interface d'Oceco) représente.
--
-- Ni Oceco ni la configuration ne portent ce lien, il est donc lu dans les noms : Oceco regroupe
-- ses projets par leur première étiquette, le nom du pôle ; le projet est relié à l'unité dont le
-- nom est cette étiquette, sinon à l'unité dont le nom est celui du projet (accents, casse et
-- ponctuation ignorés). Quand plusieurs unités portent le nom, le pôle parmi elles l'emporte ; s'il
-- en reste encore plusieurs, ou aucune, le projet n'est pas relié (unit_code NULL) : ses heures
-- comptent pour La Raffinerie dans son ensemble (voir volunteer_contributions). Pour relier un
-- projet, lui donner dans Oceco le nom de l'unité (ou comme première étiquette).
--
-- Grain: une ligne par projet Oceco.
-- Columns:
--   project_id    id du projet Oceco
--   project_name  son nom
--   pole_tag      sa première étiquette
--   unit_code     l'unité qu'il représente (NULL : aucune trouvée, ou ambiguë)
--   matched_on    'tag' (étiquette) | 'name' (nom) | NULL
with units as (
    select
        unit_code,
        level,
        trim(regexp_replace(strip_accents(lower(name)), '[^a-z0-9]+', ' ', 'g')) as key
    from ref.units
),

projects as (
    select
        project_id,
        project_name,
        pole_tag,
        trim(regexp_replace(strip_accents(lower(coalesce(pole_tag, ''))), '[^a-z0-9]+', ' ', 'g'))     as tag_key,
        trim(regexp_replace(strip_accents(lower(coalesce(project_name, ''))), '[^a-z0-9]+', ' ', 'g')) as name_key
    from staging.stg_oceco__projects
),

candidates as (
    select p.project_id, 1 as rank_on, 'tag' as matched_on, u.unit_code, u.level
    from projects as p join units as u on u.key = p.tag_key and p.tag_key <> ''
    union all
    select p.project_id, 2, 'name', u.unit_code, u.level
    from projects as p join units as u on u.key = p.name_key and p.name_key <> ''
),

best as (
    -- the first way that finds something; within it, poles first; a unique answer only
    select project_id, matched_on, unit_code
    from (
        select
            *,
            min(rank_on) over (partition by project_id) as first_rank,
            count(*) filter (where level = 'pole') over (partition by project_id, rank_on) as poles,
            count(*) over (partition by project_id, rank_on)                              as matches
        from candidates
    )
    where rank_on = first_rank
      and ((poles = 1 and level = 'pole') or (poles = 0 and matches = 1))
)

select
    projects.project_id,
    projects.project_name,
    projects.pole_tag,
    best.unit_code,
    best.matched_on
from projects
left join best using (project_id)
