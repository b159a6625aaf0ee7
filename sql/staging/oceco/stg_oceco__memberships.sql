-- Adhésions Oceco : une ligne par (citoyen·ne, organisation) d'après links.memberOf.{orgId}, tel
-- que listMembers le publie.
-- is_admin : la personne administre l'organisation dans Oceco.
-- roles : les rôles de l'adhésion (libellés libres de Communecter, p. ex. « Bienveillant·e ») ; le
--   répertoire les montre en badges. Liste vide s'il n'y en a pas.
with source as (
    select payload from raw_oceco.citoyens
),

links as (
    select
        payload->>'_id'                               as citoyen_id,
        organization_id,
        payload->'links'->'memberOf'->organization_id as link
    from source,
        unnest(coalesce(json_keys(payload->'links'->'memberOf'), [])) as m(organization_id)
)

select
    citoyen_id,
    organization_id,
    coalesce((link->>'isAdmin')::boolean, false)                     as is_admin,
    coalesce(cast(link->'roles' as varchar[]), cast([] as varchar[])) as roles
from links
