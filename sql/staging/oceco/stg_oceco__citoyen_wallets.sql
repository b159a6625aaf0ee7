-- Soldes de crédits-temps Oceco : une ligne par (citoyen·ne, organisation), d'après
-- userWallet.{orgId}.userCredits. C'est le solde, non le journal, qui fait foi dans Oceco.
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
