-- Odoo companies (res.company), one row per company.
-- Odoo sends `false` for an empty value: `->>` then gives the text 'false', hence the nullif().
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
