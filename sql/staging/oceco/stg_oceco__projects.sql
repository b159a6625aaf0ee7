-- Oceco projects, one row per project. Oceco's UI calls them "pôles" and groups them by
-- their first tag (pole_tag). organization_id: the first key of `parent`.
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
