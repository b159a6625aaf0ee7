-- Chaque compte analytique entre lesquels une ligne d'écriture se répartit, dans tous les plans : une
-- ligne par (ligne d'écriture, compte analytique), avec le pourcentage de la ligne, le plan et
-- l'unité du compte.
--
-- Jusqu'à Odoo 15 : `analytic_account_id` = un compte à 100 %, plus, pour chaque étiquette de
--   `analytic_tag_ids` qui a une répartition analytique active, ses comptes à leurs pourcentages
--   (stg_odoo__analytic_tag_distribution). Odoo 15 fait une ligne analytique de chacun.
-- À partir d'Odoo 16 : `analytic_distribution` = {"<id du compte analytique>": pct, …}, p. ex.
--   {"12": 60.0, "15": 40.0} (une répartition 60/40). À partir de 17, une clé peut réunir plusieurs
--   id, un par plan : {"12,34": 100.0} signifie 100 % sur le compte 12 ET 100 % sur le compte 34
--   (chacun dans son plan) ; le pourcentage vaut donc pour chaque compte de la clé.
-- Odoo vérifie (16+) que les pourcentages de chaque plan ne dépassent pas 100 % de la ligne ; rien
-- n'additionne les pourcentages d'un plan à l'autre (sql/tests/analytic_split_at_most_100_pct.sql le
-- vérifie plan par plan).
with source as (
    select payload from raw_odoo.account_move_line
),

from_distribution as (
    -- 16+: one row per key of the JSON object, then one per id of the key
    select
        (payload->>'id')::bigint                                  as move_line_id,
        trim(account_key)::bigint                                 as analytic_account_id,
        (payload->'analytic_distribution'->>distribution_key)::decimal(9, 4) as pct
    from source,
        unnest(json_keys(payload->'analytic_distribution')) as keys(distribution_key),
        unnest(string_split(distribution_key, ',')) as ids(account_key)
    where json_type(payload->'analytic_distribution') = 'OBJECT'
      and trim(account_key) <> ''
),

from_account as (
    -- ≤15: the single analytic account, at 100 %
    select
        (payload->>'id')::bigint                         as move_line_id,
        (payload->'analytic_account_id'->>0)::bigint     as analytic_account_id,
        100.0::decimal(9, 4)                             as pct
    from source
    where json_type(payload->'analytic_distribution') is distinct from 'OBJECT'
      and json_type(payload->'analytic_account_id') = 'ARRAY'
),

from_tags as (
    -- ≤15: the distributions of the item's analytic tags
    select
        (payload->>'id')::bigint                         as move_line_id,
        distribution.analytic_account_id,
        distribution.pct
    from source,
        unnest(cast(payload->'analytic_tag_ids' as bigint[])) as tags(tag_id)
    join staging.stg_odoo__analytic_tag_distribution as distribution
        on distribution.tag_id = tags.tag_id
    where json_type(payload->'analytic_distribution') is distinct from 'OBJECT'
      and json_type(payload->'analytic_tag_ids') = 'ARRAY'
),

assignments as (
    select * from from_distribution
    union all
    select * from from_account
    union all
    select * from from_tags
)

select
    assignments.move_line_id,
    assignments.analytic_account_id,
    accounts.root_plan_id,
    accounts.plan_role,
    accounts.plan_rank,
    accounts.is_dimension,
    accounts.unit_code,
    sum(assignments.pct)::decimal(9, 4) as pct   -- one account twice in a line: add up
from assignments
left join staging.stg_odoo__analytic_accounts as accounts
    using (analytic_account_id)
group by all
