-- Sociétés Odoo (res.company), une ligne par société.
-- Odoo envoie `false` pour une valeur vide : `->>` donne alors le texte 'false', d'où le nullif().
with source as (
    select payload from raw_odoo.res_company
),

renamed as (
    select
        (payload->>'id')::bigint                  as company_id,
        nullif(payload->>'name', 'false')         as company_name,
        payload->'currency_id'->>1                as currency,
        try_cast(payload->>'write_date' as timestamp) as written_at
    from source
)

select * from renamed
