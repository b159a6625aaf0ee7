-- Réservations TiBillet telles que le détail v2 les donne (/api/v2/reservations/<uuid>/) : une ligne par
-- réservation × tarif, avec le nombre de billets de ce tarif.
-- reservedTicket regroupe les billets par uuid de TARIF (l'`identifier` d'une offre de
-- /api/v2/products/) : c'est ainsi qu'une ligne de vente de billet (qui porte son produit et son prix
-- unitaire, jamais son événement) est reliée à un événement : marts.soiree_sale_lines.
-- event_id : reservationFor.identifier ; confirmed : reservationStatus Confirmed (Lespass ne traduit
--   que V en Confirmed, tout le reste — annulées comprises — en Pending).
with source as (
    select payload from raw_tibillet.reservation_details
)

select
    payload->>'identifier'                                        as reservation_id,
    payload->'reservationFor'->>'identifier'                      as event_id,
    payload->'reservationFor'->>'name'                            as event_name,
    coalesce(payload->>'reservationStatus', '') like '%Confirmed' as confirmed,
    ticket->>'identifier'                                         as price_id,
    (ticket->>'ticketQuantity')::integer                          as quantity
from source,
    unnest(json_extract(payload, '$.reservedTicket[*]')) as t(ticket)
