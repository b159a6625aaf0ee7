-- volunteer_projects — which unit of the organisation each Oceco project (a « pôle » in Oceco's
-- UI) stands for.
--
-- Neither Oceco nor the configuration holds this link, so it is read from the names: Oceco groups
-- its projects by their first tag, the pôle's name; the project is tied to the unit whose name is
-- that tag, else the unit whose name is the project's name (accents, case and punctuation ignored).
-- When several units bear the name, the pôle among them wins; if that still leaves several, or
-- none, the project is not tied (unit_code NULL): its hours count for La Raffinerie as a whole
-- (see volunteer_contributions). To tie a project, give it the unit's name (or first tag) in Oceco.
--
-- Grain: one row per Oceco project.
-- Columns:
--   project_id    Oceco project id
--   project_name  its name
--   pole_tag      its first tag
--   unit_code     the unit it stands for (NULL: none found, or ambiguous)
--   matched_on    'tag' | 'name' | NULL
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
