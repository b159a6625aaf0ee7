-- soiree_sales — les recettes TiBillet par soirée.
--
-- Grain: une ligne par évènement TiBillet ayant au moins une ligne de vente (V, R ou N) qui lui est
-- attribuée (marts.soiree_sale_lines dit comment une ligne rejoint sa soirée).
-- Columns:
--   event_id       identifiant TiBillet de l'évènement
--   event_name     son nom
--   soiree_day     le jour local de la soirée (voir stg_tibillet__sales : 04:00 → 04:00)
--   lines          lignes de vente comptées (statuts V, R, N)
--   gross          ventes confirmées (V), en euros TTC
--   refunds        remboursements et avoirs (R, N), négatifs
--   net            gross + refunds (toutes familles, adhésions et recharges cashless comprises)
--   ticket_net     net de la billetterie (famille billet)
--   bar_net        net du bar (famille bar, quel que soit le paiement : espèces, carte, cashless)
--   membership_net net des adhésions vendues (famille adhesion)
--   recharge_net   net des recharges cashless (famille recharge)
--   takings        les recettes de la soirée : ticket_net + bar_net. Les adhésions reviennent à
--                  l'association, pas à la soirée, et une recharge est dépensée plus tard au bar
--                  (déjà dans bar_net) : les deux sont écartées, pour ne pas compter deux fois le
--                  même euro.
--
-- Seules les lignes V, R et N comptent en argent (le net de TiBillet = V + R + N) ;
-- P (payée, non confirmée) et F (réservation gratuite, 0 €) comptent en billets, pas ici.
with lines as (
    select *
    from marts.soiree_sale_lines
    where status in ('V', 'R', 'N')
),

events as (
    select event_id, event_name, soiree_day from staging.stg_tibillet__events
),

by_event as (
    select
        event_id,
        count(*)                                                                   as lines,
        coalesce(sum(amount) filter (where status = 'V'), 0)                        as gross,
        coalesce(sum(amount) filter (where status in ('R', 'N')), 0)                as refunds,
        sum(amount)                                                                 as net,
        coalesce(sum(amount) filter (where family = 'billet'), 0)                   as ticket_net,
        coalesce(sum(amount) filter (where family = 'bar'), 0)                      as bar_net,
        coalesce(sum(amount) filter (where family = 'adhesion'), 0)                 as membership_net,
        coalesce(sum(amount) filter (where family = 'recharge'), 0)                 as recharge_net
    from lines
    group by event_id
)

select
    by_event.event_id,
    events.event_name,
    events.soiree_day,
    by_event.lines,
    by_event.gross::decimal(14, 2)                                  as gross,
    by_event.refunds::decimal(14, 2)                                as refunds,
    by_event.net::decimal(14, 2)                                    as net,
    by_event.ticket_net::decimal(14, 2)                             as ticket_net,
    by_event.bar_net::decimal(14, 2)                                as bar_net,
    by_event.membership_net::decimal(14, 2)                         as membership_net,
    by_event.recharge_net::decimal(14, 2)                           as recharge_net,
    (by_event.ticket_net + by_event.bar_net)::decimal(14, 2)        as takings
from by_event
join events using (event_id)
