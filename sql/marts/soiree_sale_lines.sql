-- soiree_sale_lines — each TiBillet sale line with the soirée (event) it belongs to.
--
-- Grain: one row per sale line of status V, P, F (sold, free booking), R or N (refund, credit
-- note) that could be attributed to a non-cancelled event.
-- Columns:
--   sale_line_id   TiBillet sale line identifier
--   event_id       the soirée it is attributed to
--   family         'billet' (ticket booking, free booking), 'adhesion' (membership),
--                  'recharge' (cashless top-up: money loaded on a card, spent later at the bar),
--                  'bar' (everything else: drinks and food, paid cash, card or cashless)
--   product_id, product_name
--   price_name     the product's price (offer) the line was sold at: the offer of the same
--                  product with the same unit price, else its free-price offer (« prix libre »),
--                  else 'Prix <unit price>'
--   unit_price     euros VAT included
--   quantity       negative for refunds (R) and credit notes (N)
--   amount         unit_price × quantity, to the cent (stg_tibillet__sales)
--   status         V, P, F, R or N
--   is_cashless    paid with the local cashless token (payment methods LE, LG)
--   sold_at, line_day (the line's soirée day, 04:00 pivot)
--   attribution    'produit' (a ticket whose product names the event) or 'jour' (by day)
--
-- A sale line carries NO event id (TiBillet's API), so:
--   1. a ticket line (family billet) goes to the event its PRODUCT names: the product name
--      contains the event's name and its date as dd/mm/yyyy (« Billet – Kabar (15/03/2025) »);
--      failing the date, the event named whose day is the first on or after the line's day.
--      This follows how the sandbox names ticket products; whether La Raffinerie names its
--      TiBillet products this way is UNVERIFIED (Lespass ties products to events in its
--      database, Event.products, but its API does not output that link). Online presales,
--      bought days before the soirée, are attributed this way.
--   2. every other line (and a ticket whose product names no event) goes to the event of its
--      soirée day (04:00 → 04:00): when two events share a day, the last one started before the
--      line was sold (or the first of the day, for a line sold before any started).
-- Family by category: TiBillet's labels depend on Accept-Language (English or French) and some
-- categories come as raw codes; bar sales in Lespass only once LaBoutik V2 is in
-- service: until then the bar lines may be absent from the API.
with events as (
    select event_id, event_name, soiree_day, start_at
    from staging.stg_tibillet__events
    where not is_cancelled and soiree_day is not null
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

-- 1. tickets whose product names an event (names matched once per product, not per line)
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
                     named.start_at
        ) as preference
    from lines
    join named
        on lines.family = 'billet'
       and lines.product_name = named.product_name
),

-- 2. the others, by day
by_day as (
    select
        lines.sale_line_id,
        events.event_id,
        row_number() over (
            partition by lines.sale_line_id
            order by (events.start_at <= lines.sold_at) desc,
                     case when events.start_at <= lines.sold_at then events.start_at end desc,
                     events.start_at
        ) as preference
    from lines
    join events using (soiree_day)
    where lines.sale_line_id not in (select sale_line_id from by_product)
),

attributed as (
    select sale_line_id, event_id, 'produit' as attribution from by_product where preference = 1
    union all
    select sale_line_id, event_id, 'jour' as attribution from by_day where preference = 1
),

prices as (
    select product_id, price_name, unit_price, is_free_price
    from staging.stg_tibillet__product_prices
)

select
    lines.sale_line_id,
    attributed.event_id,
    lines.family,
    lines.product_id,
    lines.product_name,
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
    lines.status,
    coalesce(lines.payment_method in ('LE', 'LG'), false) as is_cashless,
    lines.sold_at,
    lines.soiree_day                                    as line_day,
    attributed.attribution
from lines
join attributed using (sale_line_id)
