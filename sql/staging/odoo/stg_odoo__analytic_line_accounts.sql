-- Chaque compte analytique que porte une ligne analytique : une ligne par (ligne, compte).
--
-- Jusqu'à Odoo 16, une ligne a un seul compte (`account_id`). À partir de 17, le plan projet reste
-- dans `account_id` et chaque autre plan racine a sa colonne `x_plan<N>_id` ; une ligne issue d'une
-- clé de répartition « 12,34 » porte les deux comptes, et son montant vaut pour chacun d'eux
-- (un compte par plan). unit_code : l'unité de l'arbre à laquelle le compte est rattaché, s'il y en a
-- une ; root_plan_id, plan_role, plan_rank, is_dimension : son plan (stg_odoo__analytic_accounts).
with source as (
    select payload from raw_odoo.account_analytic_line
),

plan_columns as (
    -- account_id, plus every x_plan<N>_id column present on the record
    select
        (payload->>'id')::bigint as analytic_line_id,
        column_name,
        payload->column_name     as account_value
    from source,
        unnest(json_keys(payload)) as keys(column_name)
    where column_name = 'account_id'
       or regexp_matches(column_name, '^x_plan[0-9]+_id$')
),

renamed as (
    select
        analytic_line_id,
        column_name                          as plan_column,
        (account_value->>0)::bigint          as analytic_account_id
    from plan_columns
    where json_type(account_value) = 'ARRAY'   -- `false`: no account in that plan
)

select
    renamed.*,
    accounts.unit_code,
    accounts.root_plan_id,
    accounts.plan_role,
    accounts.plan_rank,
    accounts.is_dimension
from renamed
left join staging.stg_odoo__analytic_accounts as accounts
    using (analytic_account_id)
