-- soiree_sale_lines — each TiBillet sale line with the soirée (event) it belongs to.
--
-- Grain: one row per sale line of status V, P, F (sold, free booking), R or N (refund, credit
-- note) that could be attributed to an event (the lines that could not are listed in
-- the mart soiree_unattributed_lines).
-- Columns:
--   sale_line_id   TiBillet sale line identifier
--   event_id       the soirée it is attributed to (a cancelled event too, for its refunds)
--   family         'billet' (ticket booking, free booking), 'adhesion' (membership),
--                  'recharge' (cashless top-up: money loaded on a card, spent later at the bar),
--                  'bar' (everything else: drinks and food, paid cash, card or cashless)
--   product_id, product_name
--   price_id       the product's price (offer) the line was sold at: the offer of the same
--                  product with the same unit price, else its free-price offer; NULL if none
--   price_name     that offer's name, else 'Prix <unit price>'
--   unit_price     euros VAT included
--   quantity       negative for refunds (R) and credit notes (N)
--   amount         unit_price × quantity, to the cent (stg_tibillet__sales)
--   vat_rate       the line's VAT rate (percent)
--   status         V, P, F, R or N
--   is_cashless    paid with the local cashless token (payment methods LE, LG)
--   sold_at, line_day (the line's soirée day, 04:00 pivot)
--   attribution    'reservation' (a ticket, by the reservations of its price), 'produit' (a
--                  ticket whose product names the event), or 'jour' (by the soirée day)
--
-- A sale line carries NO event id, NO reservation id (Lespass API v2), so:
--   1. a ticket line (family billet) follows the RESERVATIONS of its price: the v2 reservation
--      detail (stg_tibillet__reservation_tickets) says which event each price was booked for.
--      Its price: the offer of its product with its unit price (else the free-price offer). The
--      events booked with that price (else with any price of its product) are its candidates:
--      a sale goes to the first of them on or after the line's day (a presale comes before its
--      soirée), else the last one before. A refund or credit note (negative quantity) goes to
--      the event of the latest earlier sale of the same product, unit price and quantity
--      (Lespass refunds a line by a new line of the opposite quantity), else as a sale. Events
--      cancelled (unpublished) count here: their refunds land on them.
--   2. a ticket no reservation ties to an event goes to the event its PRODUCT names, as before
--      reservations were read: the product name contains the event's name (and its date as
--      dd/mm/yyyy, preferred); failing the date, the event named whose day is the first on or
--      after the line's day.
--   3. every other line (bar, memberships, top-ups, and a ticket neither rule places) goes to
--      the non-cancelled event of its soirée day (04:00 → 04:00): when two events share a day,
--      the last one started before the line was sold (or the first of the day, for a line sold
--      before any started). Every choice among events ends on the event id: two events starting
--      at the same time get a line by their uuid, so that every build attributes it alike.
-- Family by category: TiBillet's labels depend on Accept-Language (English or French) and some
-- categories come as raw codes; bar sales reach Lespass only once LaBoutik V2 is in service:
-- until then the bar lines may be absent from the API.
with all_events as (
    select event_id, event_name, soiree_day, start_at, is_cancelled
    from staging.stg_tibillet__events
    where soiree_day is not null
),

events as (
    select event_id, event_name, soiree_day, start_at from all_events where not is_cancelled
),

lines as (
    select
        sales.*,
        case
            when product_category in ('Ticket booking', 'Free booking', 'Réservation de billets',
                                      'Réservation gratuite', 'B', 'F') then 'billet'
            when product_category in ('Subscription or membership', 'Adhésion ou abonnement', 'A') then 'adhesion'
            when product_category in ('E', 'FED refill', 'Recharge FED') then 'recharge'
            else 'bar'
        end as family
    from staging.stg_tibillet__sales as sales
    where status in ('V', 'P', 'F', 'R', 'N')
),

prices as (
    select product_id, price_id, price_name, unit_price, is_free_price
    from staging.stg_tibillet__product_prices
),

-- the price each ticket line was sold at
line_prices as (
    select
        lines.sale_line_id,
        coalesce(
            (select min(p.price_id) from prices p
             where p.product_id = lines.product_id and p.unit_price = lines.unit_price and not p.is_free_price),
            (select min(p.price_id) from prices p
             where p.product_id = lines.product_id and p.is_free_price)
        ) as price_id
    from lines
),

booked as (
    select distinct price_id, event_id from staging.stg_tibillet__reservation_tickets
),

-- 1. tickets by the reservations of their price (else of their product's prices)
reservation_candidates as (
    select lines.sale_line_id, lines.soiree_day, lines.quantity, all_events.event_id,
           all_events.soiree_day as event_day, all_events.start_at,
           booked.price_id = line_prices.price_id as same_price
    from lines
    join line_prices using (sale_line_id)
    join prices on prices.product_id = lines.product_id
    join booked on booked.price_id = prices.price_id
    join all_events on all_events.event_id = booked.event_id
    where lines.family = 'billet'
),

by_reservation_sale as (
    select sale_line_id, event_id
    from reservation_candidates
    qualify row_number() over (
        partition by sale_line_id
        order by same_price desc,
                 (event_day >= soiree_day) desc,
                 case when event_day >= soiree_day then event_day end,
                 event_day desc,
                 start_at, event_id
    ) = 1
),

-- a refund: the event of the latest earlier sale of the same product, price and quantity
by_reservation as (
    select
        refunds.sale_line_id,
        coalesce(
            (select sales_.event_id
             from lines as originals
             join by_reservation_sale as sales_ using (sale_line_id)
             where refunds.quantity < 0
               and originals.product_id = refunds.product_id
               and originals.unit_price = refunds.unit_price
               and originals.quantity = -refunds.quantity
               and originals.sold_at <= refunds.sold_at
             order by originals.sold_at desc, originals.sale_line_id
             limit 1),
            by_reservation_sale.event_id
        ) as event_id
    from lines as refunds
    join by_reservation_sale using (sale_line_id)
),

-- 2. tickets whose product names an event (names matched once per product, not per line)
named as (
    select
        products.product_name,
        events.event_id,
        events.soiree_day,
        events.start_at,
        contains(products.product_name, strftime(events.soiree_day, '%d/%m/%Y')) as names_the_date
    from (select distinct product_name from lines where family = 'billet') as products
    join events
        on contains(lower(products.product_name), lower(events.event_name))
),

by_product as (
    select
        lines.sale_line_id,
        named.event_id,
        row_number() over (
            partition by lines.sale_line_id
            order by named.names_the_date desc,
                     (named.soiree_day >= lines.soiree_day) desc,
                     case when named.soiree_day >= lines.soiree_day then named.soiree_day end,
                     named.soiree_day desc,
                     named.start_at,
                     -- two events of the same name on the same day starting at the same time (two
                     -- rooms, a duplicate): nothing tells them apart, so the line goes to the
                     -- smaller uuid, the same one at every build (never a different soirée per build)
                     named.event_id
        ) as preference
    from lines
    join named
        on lines.family = 'billet'
       and lines.product_name = named.product_name
    where lines.sale_line_id not in (select sale_line_id from by_reservation)
),

-- 3. the others, by day
by_day as (
    select
        lines.sale_line_id,
        events.event_id,
        row_number() over (
            partition by lines.sale_line_id
            order by (events.start_at <= lines.sold_at) desc,
                     case when events.start_at <= lines.sold_at then events.start_at end desc,
                     events.start_at,
                     -- two events of the day starting at the same time: nothing tells which one a
                     -- drink was sold for, so the line goes to the smaller uuid, the same one at
                     -- every build (a tie left open sends it to either soirée, build after build)
                     events.event_id
        ) as preference
    from lines
    join events using (soiree_day)
    where lines.sale_line_id not in (select sale_line_id from by_product)
      and lines.sale_line_id not in (select sale_line_id from by_reservation)
),

attributed as (
    select sale_line_id, event_id, 'reservation' as attribution from by_reservation
    union all
    select sale_line_id, event_id, 'produit' as attribution from by_product where preference = 1
    union all
    select sale_line_id, event_id, 'jour' as attribution from by_day where preference = 1
)

select
    lines.sale_line_id,
    attributed.event_id,
    lines.family,
    lines.product_id,
    lines.product_name,
    line_prices.price_id,
    coalesce(
        (select min(p.price_name) from prices p
         where p.product_id = lines.product_id and p.unit_price = lines.unit_price and not p.is_free_price),
        (select min(p.price_name) from prices p
         where p.product_id = lines.product_id and p.is_free_price),
        'Prix ' || replace(lines.unit_price::varchar, '.', ',')
    )                                                   as price_name,
    lines.unit_price,
    lines.quantity,
    lines.amount,
    lines.vat_rate,
    lines.status,
    coalesce(lines.payment_method in ('LE', 'LG'), false) as is_cashless,
    lines.sold_at,
    lines.soiree_day                                    as line_day,
    attributed.attribution
from lines
join attributed using (sale_line_id)
left join line_prices using (sale_line_id)
