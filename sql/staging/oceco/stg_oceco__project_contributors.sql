-- Contributeur·rices des projets Oceco : une ligne par (projet, citoyen·ne) d'après links.contributors
-- d'un projet (un pôle dans l'interface d'Oceco). is_admin : la personne administre le projet.
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
