-- TiBillet reservations as the v2 detail gives them (/api/v2/reservations/<uuid>/): one row per
-- reservation × price, with the number of tickets of that price.
-- reservedTicket groups the tickets by PRICE uuid (the `identifier` of an offer of
-- /api/v2/products/), which is how a ticket sale line (it carries its product and unit price,
-- never its event) is tied to an event: marts.soiree_sale_lines.
-- event_id: reservationFor.identifier; confirmed: reservationStatus Confirmed (Lespass maps
--   only V to Confirmed, everything else — cancelled included — to Pending).
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
