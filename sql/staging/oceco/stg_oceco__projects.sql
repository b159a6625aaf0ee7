-- Projets Oceco, une ligne par projet. L'interface d'Oceco les appelle « pôles » et les regroupe
-- par leur premier tag (pole_tag). organization_id : la première clé de `parent`.
with source as (
    select payload from raw_oceco.projects
),

renamed as (
    select
        payload->>'_id'                                       as project_id,
        payload->>'name'                                      as project_name,
        payload->>'slug'                                      as slug,
        payload->'tags'->>0                                   as pole_tag,
        json_keys(payload->'parent')[1]                       as organization_id,
        coalesce((payload->'preferences'->>'private')::boolean, false) as is_private,
        coalesce(len(json_keys(payload->'links'->'contributors')), 0)  as contributor_count
    from source
)

select * from renamed
