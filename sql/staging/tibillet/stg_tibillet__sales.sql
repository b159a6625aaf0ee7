-- Lignes de vente TiBillet (API Lespass v2 /api/v2/sales/), une ligne par ligne de vente.
--
-- Les champs propres à la ligne sont dans `additionalProperty`, en paires {name, value} : sale_line_uuid,
-- quantity (une chaîne, p. ex. "2.000000", négative pour les remboursements et les avoirs), vat (un
-- pourcentage en chaîne), payment_method (seulement quand il est connu) et status.
-- unit_price : offers.price, le prix unitaire en euros TTC ("12", "10.5").
-- amount = unit_price × quantity, arrondi au centime (négatif pour un remboursement).
-- sold_at : datePublished, en UTC avec microsecondes.
-- soiree_day : le jour local de la soirée à laquelle appartient la ligne. Une ligne ne porte pas d'id
--   d'événement : elle est attribuée par l'heure ; la journée d'une soirée va de l'heure pivot
--   (ref.settings day_pivot, 04:00 comme TiBillet compte) à l'heure pivot du lendemain, dans le
--   fuseau horaire de l'organisation — une boisson vendue à 01:30 le dimanche appartient à la soirée
--   du samedi.
-- status : V confirmée, P payée non confirmée, R remboursée, N avoir, C annulée,
--   O créée, U non payée, F réservation gratuite, D échouée. Ventes nettes = lignes V + R + N.
with source as (
    select payload from raw_tibillet.sales
),

properties as (
    select
        payload,
        list_transform(
            json_extract(payload, '$.additionalProperty[*]'),
            lambda p: {'name': p->>'name', 'value': p->>'value'}
        ) as props
    from source
),

settings as (
    select timezone as tz, day_pivot from staging.stg_ref__settings
),

renamed as (
    select
        list_filter(props, lambda p: p.name = 'sale_line_uuid')[1].value  as sale_line_id,
        payload->>'productID'                                             as product_id,
        payload->>'name'                                                  as product_name,
        payload->>'category'                                              as product_category,
        try_cast(payload->>'datePublished' as timestamptz)                as sold_at,
        (payload->'offers'->>'price')::decimal(14, 2)                     as unit_price,
        (list_filter(props, lambda p: p.name = 'quantity')[1].value)::decimal(14, 6)  as quantity,
        (list_filter(props, lambda p: p.name = 'vat')[1].value)::decimal(5, 2)        as vat_rate,
        list_filter(props, lambda p: p.name = 'payment_method')[1].value  as payment_method,
        list_filter(props, lambda p: p.name = 'status')[1].value          as status
    from properties
)

select
    sale_line_id,
    product_id,
    product_name,
    product_category,
    sold_at,
    unit_price,
    quantity,
    round(unit_price * quantity, 2)::decimal(14, 2) as amount,
    cast(timezone(settings.tz, sold_at) - settings.day_pivot as date) as soiree_day,
    vat_rate,
    payment_method,
    status,
    status in ('V', 'R', 'N') as counts_in_net_sales
from renamed
cross join settings
