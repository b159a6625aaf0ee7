-- Oceco credit log (loguseractions), one row per credit movement.
-- credits: signed integer. action_id NULL: a manual adjustment by an admin.
-- comment: "Remboursement" for a refund, otherwise free text.
-- created_at: a string with its offset (moment().format()), or {"$date": ms}.
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
