-- Oceco memberships: one row per (citizen, organisation) from links.memberOf.{orgId}, as
-- listMembers publishes it.
-- is_admin: the citizen administers the organisation in Oceco.
-- roles: the membership's roles (Communecter's free labels, e.g. « Bienveillant·e »); the
--   directory shows them as badges. Empty list when none.
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
