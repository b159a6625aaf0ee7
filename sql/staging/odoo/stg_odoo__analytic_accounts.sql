-- Comptes analytiques Odoo (account.analytic.account), une ligne par compte, avec l'unité de
-- l'arbre de l'organisation à laquelle la configuration le rattache (ref.unit_analytic_accounts,
-- par code ou par id Odoo ; NULL quand le compte n'appartient à aucune unité) et le rôle de son plan.
-- Son regroupement est group_id jusqu'à Odoo 15, plan_id à partir de 16.
--
-- root_plan_id : le plan racine du compte (le root_plan_id enregistré par Odoo à partir de 16,
--   sinon le sommet de la chaîne de groupes ou de plans ; NULL pour un compte sans plan, possible en 15).
-- plan_role : 'arbre' — le plan racine de l'arbre de l'organisation ([analytic] tree_plan, par nom,
--   nom complet ou id:<n> ; à défaut, le plan racine qui porte le plus de comptes rattachés, le
--   plus petit id en cas d'égalité) ; 'unites' — un autre plan dont les unités citent certains
--   comptes (ils comptent pour ce que le plan de l'arbre laisse d'une ligne, docs/regles-de-calcul.md) ;
--   'dimension' — un plan cité dans [analytic] dimension_plans (montré à côté des chiffres, jamais
--   compté) ; 'autre' — tout autre plan.
-- plan_rank : 0 pour l'arbre, puis 1, 2… pour les plans 'unites' par id de plan racine (le premier
--   présent sur une ligne est celui qui compte).
with recursive source as (
    select payload from raw_odoo.account_analytic_account
),

renamed as (
    select
        (payload->>'id')::bigint                        as analytic_account_id,
        nullif(payload->>'code', 'false')               as analytic_code,
        nullif(payload->>'name', 'false')               as analytic_name,
        coalesce((payload->'plan_id'->>0)::bigint,      -- 16+
                 (payload->'group_id'->>0)::bigint)     -- ≤15
                                                        as plan_id,
        (payload->'root_plan_id'->>0)::bigint           as odoo_root_plan_id,
        (payload->'partner_id'->>0)::bigint             as partner_id,
        (payload->'company_id'->>0)::bigint             as company_id,
        coalesce((payload->>'active')::boolean, true)   as is_active,
        try_cast(payload->>'write_date' as timestamp)   as written_at
    from source
),

with_units as (
    select
        renamed.*,
        coalesce(renamed.odoo_root_plan_id, plans.root_plan_id, renamed.plan_id) as root_plan_id,
        -- by id first (an id names one account; a code could be reused)
        coalesce(by_id.unit_code, by_code.unit_code) as unit_code
    from renamed
    left join staging.stg_odoo__analytic_plans as plans
        on plans.plan_id = renamed.plan_id
    left join ref.unit_analytic_accounts as by_id
        on by_id.analytic_id = renamed.analytic_account_id
    left join ref.unit_analytic_accounts as by_code
        on by_code.analytic_id is null
       and by_code.analytic_code = renamed.analytic_code
),

root_plans as (
    select
        roots.plan_id as root_plan_id,
        roots.plan_name,
        exists (
            select 1 from ref.analytic_plans as ref_plans
            where ref_plans.role = 'tree'
              and ref_plans.plan_ref in (roots.plan_name, roots.complete_name, 'id:' || roots.plan_id)
        ) as is_configured_tree,
        exists (
            select 1 from ref.analytic_plans as ref_plans
            where ref_plans.role = 'dimension'
              and ref_plans.plan_ref in (roots.plan_name, roots.complete_name, 'id:' || roots.plan_id)
        ) as is_dimension,
        (select count(*) from with_units
         where with_units.root_plan_id = roots.plan_id and with_units.unit_code is not null) as mapped_accounts
    from staging.stg_odoo__analytic_plans as roots
    where roots.plan_id = roots.root_plan_id
    union all
    -- ≤15: accounts of no group form a plan of their own (NULL)
    select null, null, false, false,
           (select count(*) from with_units where root_plan_id is null and unit_code is not null)
),

tree as (
    select root_plan_id
    from root_plans
    order by is_configured_tree desc, mapped_accounts desc, root_plan_id nulls last
    limit 1
),

roles as (
    select
        root_plans.root_plan_id,
        root_plans.plan_name as root_plan_name,
        case
            -- (in brackets: sqlfluff's DuckDB grammar reads a bare `is not distinct from` in a select list as its `from`)
            when (root_plans.root_plan_id is not distinct from (select root_plan_id from tree)) then 'arbre'
            when root_plans.mapped_accounts > 0 then 'unites'
            when root_plans.is_dimension then 'dimension'
            else 'autre'
        end as plan_role,
        root_plans.is_dimension
    from root_plans
)

select
    with_units.analytic_account_id,
    with_units.analytic_code,
    with_units.analytic_name,
    with_units.plan_id,
    with_units.root_plan_id,
    with_units.partner_id,
    with_units.company_id,
    with_units.is_active,
    with_units.written_at,
    with_units.unit_code,
    roles.root_plan_name,
    roles.plan_role,
    roles.is_dimension,
    case
        when roles.plan_role = 'arbre' then 0
        when roles.plan_role = 'unites' then dense_rank() over (
            partition by roles.plan_role = 'unites' order by with_units.root_plan_id nulls last)
    end as plan_rank
from with_units
left join roles
    on roles.root_plan_id is not distinct from with_units.root_plan_id
