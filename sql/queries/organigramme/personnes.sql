-- Organigramme — the people a role can be given to: Odoo contacts (persons, not companies) with
-- an e-mail, and whoever already held a role; one row per e-mail, by name.
-- Columns: person_email, person_name
with known as (
    select email as person_email, coalesce(partner_name, display_name) as person_name
    from staging.stg_odoo__partners
    where email is not null and not is_company and is_active
    union all
    select person_email, person_name from marts.role_history
)
select person_email, min(person_name) as person_name
from known
where person_email is not null and person_email <> ''
group by person_email
order by lower(coalesce(min(person_name), person_email)), person_email
