-- Comptes généraux Odoo (account.account), une ligne par compte.
--
-- Le type de compte a changé en Odoo 16 : jusqu'à 15, user_type_id / internal_type / internal_group ;
-- à partir de 16, la sélection account_type. Les deux sont ramenés ici au vocabulaire de 16+
-- (asset_receivable, asset_cash, liability_payable, income, expense, …) dans `account_type`,
-- et au grand groupe (asset, liability, equity, income, expense, off_balance : actif, passif,
-- capitaux propres, produits, charges, hors bilan) dans `account_group`. Quand Odoo 15 ne dit
-- que 'other', le groupe (ou à défaut la classe du plan comptable français, premier chiffre du
-- code) tranche.
with source as (
    select payload from raw_odoo.account_account
),

renamed as (
    select
        (payload->>'id')::bigint                        as account_id,
        nullif(payload->>'code', 'false')               as account_code,
        nullif(payload->>'name', 'false')               as account_name,
        nullif(payload->>'account_type', 'false')       as account_type_16,   -- 16+
        nullif(payload->>'internal_type', 'false')      as internal_type_15,  -- ≤15
        nullif(payload->>'internal_group', 'false')     as internal_group,
        payload->'user_type_id'->>1                     as user_type_name_15, -- ≤15
        coalesce((payload->>'reconcile')::boolean, false)  as is_reconcilable,
        coalesce((payload->>'deprecated')::boolean, false) as is_deprecated,
        (payload->'company_id'->>0)::bigint             as company_id,
        try_cast(payload->>'write_date' as timestamp)   as written_at
    from source
),

typed as (
    select
        *,
        coalesce(
            account_type_16,
            case internal_type_15
                when 'receivable' then 'asset_receivable'
                when 'payable'    then 'liability_payable'
                when 'liquidity'  then 'asset_cash'
            end,
            case internal_group
                when 'asset'       then 'asset_current'
                when 'liability'   then 'liability_current'
                when 'equity'      then 'equity'
                when 'income'      then 'income'
                when 'expense'     then 'expense'
                when 'off_balance' then 'off_balance'
                when 'off'         then 'off_balance'
            end,
            case left(account_code, 1)
                when '1' then 'equity'
                when '2' then 'asset_non_current'
                when '3' then 'asset_current'
                when '4' then 'asset_current'
                when '5' then 'asset_current'
                when '6' then 'expense'
                when '7' then 'income'
                when '8' then 'off_balance'
            end
        ) as account_type
    from renamed
)

select
    account_id,
    account_code,
    account_name,
    account_type,
    case
        when account_type like 'asset%'     then 'asset'
        when account_type like 'liability%' then 'liability'
        when account_type like 'equity%'    then 'equity'
        when account_type like 'income%'    then 'income'
        when account_type like 'expense%'   then 'expense'
        when account_type = 'off_balance'   then 'off_balance'
    end as account_group,
    user_type_name_15,
    is_reconcilable,
    is_deprecated,
    company_id,
    written_at
from typed
