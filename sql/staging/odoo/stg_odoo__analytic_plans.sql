-- Groupes analytiques (jusqu'à 15, account.analytic.group) et plans (16+, account.analytic.plan)
-- d'Odoo : la même chose, renommée en 16. Une ligne par groupe ou par plan ; un entrepôt a l'un ou l'autre.
-- root_plan_id : le sommet de la chaîne des parents du plan (un sous-plan appartient à son plan
-- racine : Odoo 16+ contrôle les pourcentages par plan racine ; 15 n'a pas cette règle, ses
-- groupes ne sont que des étiquettes).
with recursive groups_15 as (
    select payload, 'account.analytic.group' as odoo_model from raw_odoo.account_analytic_group
),

plans_16 as (
    select payload, 'account.analytic.plan' as odoo_model from raw_odoo.account_analytic_plan
),

source as (
    select * from groups_15
    union all
    select * from plans_16
),

renamed as (
    select
        (payload->>'id')::bigint                        as plan_id,
        nullif(payload->>'name', 'false')               as plan_name,
        nullif(payload->>'complete_name', 'false')      as complete_name,
        (payload->'parent_id'->>0)::bigint              as parent_plan_id,
        odoo_model,
        try_cast(payload->>'write_date' as timestamp)   as written_at
    from source
),

lineage as (
    select plan_id, plan_id as root_plan_id, parent_plan_id, 0 as depth
    from renamed
    union all
    select lineage.plan_id, parent.plan_id, parent.parent_plan_id, lineage.depth + 1
    from lineage
    join renamed as parent on parent.plan_id = lineage.parent_plan_id
    where lineage.depth < 20
)

select
    renamed.*,
    roots.root_plan_id
from renamed
left join (
    select plan_id, root_plan_id
    from lineage
    qualify row_number() over (partition by plan_id order by depth desc) = 1
) as roots using (plan_id)
