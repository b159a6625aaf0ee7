-- Oceco project contributors: one row per (project, citizen) from links.contributors of a
-- project (a pôle in Oceco's UI). is_admin: the citizen administers the project.
with source as (
    select payload from raw_oceco.projects
),

links as (
    select
        payload->>'_id'                                  as project_id,
        citoyen_id,
        payload->'links'->'contributors'->citoyen_id    as link
    from source,
        unnest(coalesce(json_keys(payload->'links'->'contributors'), [])) as c(citoyen_id)
)

select
    project_id,
    citoyen_id,
    coalesce((link->>'isAdmin')::boolean, false) as is_admin
from links
where coalesce(link->>'type', 'citoyens') = 'citoyens'
