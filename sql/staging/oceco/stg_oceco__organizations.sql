-- Organisations Oceco, une ligne par organisation.
-- Dates : Meteor DDP envoie une date sous la forme {"$date": <millisecondes depuis 1970>} ; les
-- champs created/updated de Communecter sont en secondes Unix.
with source as (
    select payload from raw_oceco.organizations
),

renamed as (
    select
        payload->>'_id'                                         as organization_id,
        payload->>'name'                                        as organization_name,
        payload->>'slug'                                        as slug,
        lower(trim(payload->>'email'))                          as email,
        coalesce(len(json_keys(payload->'links'->'members')), 0)  as member_count,
        coalesce(len(json_keys(payload->'links'->'projects')), 0) as project_count,
        to_timestamp((payload->>'created')::double)             as created_at
    from source
)

select * from renamed
