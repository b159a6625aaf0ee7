-- Partenaires Odoo (res.partner), une ligne par partenaire. L'e-mail est la clé commune avec les
-- comptes TiBillet, les citoyen·nes Oceco et app.* (en minuscules, sans espaces autour).
with source as (
    select payload from raw_odoo.res_partner
),

renamed as (
    select
        (payload->>'id')::bigint                           as partner_id,
        nullif(payload->>'name', 'false')                  as partner_name,
        nullif(payload->>'display_name', 'false')          as display_name,
        lower(trim(nullif(payload->>'email', 'false')))    as email,
        coalesce((payload->>'is_company')::boolean, false) as is_company,
        (payload->'parent_id'->>0)::bigint                 as parent_partner_id,
        (payload->'company_id'->>0)::bigint                as company_id,
        coalesce((payload->>'active')::boolean, true)      as is_active,
        try_cast(payload->>'write_date' as timestamp)      as written_at
    from source
)

select * from renamed
