-- Oceco citizens (members), one row per person. email: the key shared with Odoo partners
-- and TiBillet users (lower-cased); often not published by Oceco (NULL then).
-- Their time-credit balances, one per organisation: stg_oceco__citoyen_wallets.
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
