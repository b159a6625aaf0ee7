-- Tarifs TiBillet (les `offers` d'un produit v2), une ligne par tarif.
-- price : une chaîne à 2 décimales, TTC, en euros.
with source as (
    select payload from raw_tibillet.products
),

offers as (
    select
        payload->>'identifier' as product_id,
        offer
    from source,
        unnest(json_extract(payload, '$.offers[*]')) as o(offer)
),

renamed as (
    select
        offer->>'identifier'                         as price_id,
        product_id,
        offer->>'name'                               as price_name,
        (offer->>'price')::decimal(14, 2)            as unit_price,
        coalesce((offer->>'freePrice')::boolean, false) as is_free_price,
        (offer->'inventoryLevel'->>'value')::integer as stock
    from offers
)

select * from renamed
