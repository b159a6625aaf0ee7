-- soiree_sales — TiBillet takings per soirée.
--
-- Grain: one row per TiBillet event that has at least one sale line (V, R or N) attributed to it
-- (marts.soiree_sale_lines says how a line meets its soirée).
-- Columns:
--   event_id       TiBillet event identifier
--   event_name     its name
--   soiree_day     the soirée's local day (see stg_tibillet__sales: 04:00 → 04:00)
--   lines          sale lines counted (statuses V, R, N)
--   gross          confirmed sales (V), in euros VAT included
--   refunds        refunds and credit notes (R, N), negative
--   net            gross + refunds (every family, memberships and cashless top-ups included)
--   ticket_net     net of the tickets (family billet)
--   bar_net        net of the bar (family bar, whatever the payment: cash, card, cashless)
--   membership_net net of the memberships sold (family adhesion)
--   recharge_net   net of the cashless top-ups (family recharge)
--   takings        the soirée's takings: ticket_net + bar_net. Memberships belong to the
--                  association, not to the soirée, and a top-up is spent later at the bar (already
--                  in bar_net): both are left out, so as not to count the same euro twice.
--
-- Only V, R and N lines count in money (TiBillet's net = V + R + N);
-- P (paid, not confirmed) and F (free booking, 0 €) count in tickets, not here.
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
