-- Citoyen·nes Oceco (membres), une ligne par personne. email : la clé commune avec les
-- partenaires Odoo et les comptes TiBillet (en minuscules) ; souvent non publié par Oceco (NULL alors).
-- Leurs soldes de crédits-temps, un par organisation : stg_oceco__citoyen_wallets.
with source as (
    select payload from raw_oceco.citoyens
),

renamed as (
    select
        payload->>'_id'                        as citoyen_id,
        payload->>'name'                       as citoyen_name,
        payload->>'username'                   as username,
        lower(trim(payload->>'email'))         as email,
        json_keys(payload->'links'->'memberOf') as organization_ids
    from source
)

select * from renamed
