-- Produits TiBillet (API Lespass v2), une ligne par produit. Ses tarifs : stg_tibillet__product_prices.
with source as (
    select payload from raw_tibillet.products
),

renamed as (
    select
        payload->>'identifier'                 as product_id,
        payload->>'name'                       as product_name,
        payload->>'category'                   as product_category,
        payload->>'description'                as description,
        coalesce(json_array_length(payload->'offers'), 0) as price_count
    from source
)

select * from renamed
