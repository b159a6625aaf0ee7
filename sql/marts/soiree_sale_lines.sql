-- soiree_sale_lines — chaque ligne de vente TiBillet avec la soirée (l'évènement) à laquelle elle appartient.
--
-- Grain: une ligne par ligne de vente de statut V, P, F (vendue, réservation gratuite), R ou N
-- (remboursement, avoir) qui a pu être attribuée à un évènement (les lignes qui n'ont pas pu l'être
-- sont listées dans le mart soiree_unattributed_lines).
-- Columns:
--   sale_line_id   identifiant TiBillet de la ligne de vente
--   event_id       la soirée à laquelle elle est attribuée (un évènement annulé aussi, pour ses
--                  remboursements)
--   family         'billet' (réservation de billet, réservation gratuite), 'adhesion' (adhésion),
--                  'recharge' (recharge cashless : argent chargé sur une carte, dépensé plus tard
--                  au bar), 'bar' (tout le reste : boissons et restauration, payées en espèces, par
--                  carte ou en cashless)
--   product_id, product_name   le produit
--   price_id       le tarif (offre) du produit auquel la ligne a été vendue : l'offre du même
--                  produit au même prix unitaire, sinon son offre à prix libre ; NULL s'il n'y en a pas
--   price_name     le nom de cette offre, sinon 'Prix <prix unitaire>'
--   unit_price     euros TTC
--   quantity       négative pour les remboursements (R) et les avoirs (N)
--   amount         unit_price × quantity, au centime (stg_tibillet__sales)
--   vat_rate       le taux de TVA de la ligne (pour cent)
--   status         V, P, F, R ou N
--   is_cashless    payée avec la monnaie locale cashless (moyens de paiement LE, LG)
--   sold_at, line_day (le jour de soirée de la ligne, bascule à 04:00)
--   attribution    'reservation' (un billet, par les réservations de son tarif), 'produit' (un
--                  billet dont le produit nomme l'évènement), ou 'jour' (par le jour de soirée)
--
-- Une ligne de vente ne porte NI id d'évènement, NI id de réservation (API Lespass v2), donc :
--   1. une ligne de billet (famille billet) suit les RÉSERVATIONS de son tarif : le détail des
--      réservations v2 (stg_tibillet__reservation_tickets) dit pour quel évènement chaque tarif a
--      été réservé. Son tarif : l'offre de son produit à son prix unitaire (sinon l'offre à prix
--      libre). Les évènements réservés avec ce tarif (sinon avec n'importe quel tarif de son
--      produit) sont ses candidats : une vente va au premier d'entre eux le jour de la ligne ou
--      après (une prévente précède sa soirée), sinon au dernier avant. Un remboursement ou un
--      avoir (quantité négative) va à l'évènement de la vente antérieure la plus récente du même
--      produit, prix unitaire et quantité (Lespass rembourse une ligne par une nouvelle ligne de
--      quantité opposée), sinon comme une vente. Les évènements annulés (dépubliés) comptent ici :
--      leurs remboursements y arrivent.
--   2. un billet qu'aucune réservation ne relie à un évènement va à l'évènement que son PRODUIT
--      nomme, comme avant la lecture des réservations : le nom du produit contient le nom de
--      l'évènement (et sa date au format jj/mm/aaaa, de préférence) ; à défaut de date,
--      l'évènement nommé dont le jour est le premier égal ou postérieur au jour de la ligne.
--   3. toute autre ligne (bar, adhésions, recharges, et un billet qu'aucune règle ne place) va à
--      l'évènement non annulé de son jour de soirée (04:00 → 04:00) : quand deux évènements
--      partagent un jour, le dernier commencé avant la vente de la ligne (ou le premier du jour,
--      pour une ligne vendue avant qu'aucun n'ait commencé). Tout choix entre évènements se
--      termine sur l'id de l'évènement : deux évènements commençant à la même heure se voient
--      attribuer une ligne par leur uuid, pour que chaque construction l'attribue de même.
-- Famille selon la catégorie : les libellés de TiBillet dépendent de l'Accept-Language (anglais ou
-- français) et certaines catégories arrivent en codes bruts ; les ventes du bar n'arrivent dans
-- Lespass qu'une fois LaBoutik V2 en service : d'ici là, les lignes du bar peuvent manquer dans l'API.
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
