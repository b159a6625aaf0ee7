-- Oceco time-credit balances: one row per (citizen, organisation), from
-- userWallet.{orgId}.userCredits. The balance, not the log, is Oceco's authoritative figure.
with source as (
    select payload from raw_oceco.citoyens
),

wallets as (
    select
        payload->>'_id'  as citoyen_id,
        organization_id,
        payload->'userWallet'->organization_id as wallet
    from source,
        unnest(json_keys(payload->'userWallet')) as w(organization_id)
),

renamed as (
    select
        citoyen_id,
        organization_id,
        coalesce((wallet->>'userCredits')::double::integer, 0) as credits_balance
    from wallets
)

select * from renamed
