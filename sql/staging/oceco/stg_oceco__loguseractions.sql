-- Journal des crédits Oceco (loguseractions), une ligne par mouvement de crédits.
-- credits : entier signé. action_id NULL : un ajustement manuel par un·e administrateur·rice.
-- comment : « Remboursement » pour un remboursement, sinon texte libre.
-- created_at : une chaîne avec son décalage horaire (moment().format()), ou {"$date": ms}.
with source as (
    select payload from raw_oceco.loguseractions
),

renamed as (
    select
        payload->>'_id'                                           as log_id,
        payload->>'userId'                                        as citoyen_id,
        payload->>'organizationId'                                as organization_id,
        payload->>'actionId'                                      as action_id,
        coalesce((payload->>'credits')::double::integer, 0)               as credits,
        payload->>'commentaire'                                   as comment,
        coalesce(make_timestamptz((payload->'createdAt'->>'$."$date"')::bigint * 1000),
                 try_cast(payload->>'createdAt' as timestamptz))  as created_at
    from source
)

select * from renamed
