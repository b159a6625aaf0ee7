-- soiree_results — les chiffres de chaque soirée : recettes, fréquentation, coûts, répartition et résultat.
--
-- Grain: une ligne par évènement TiBillet non annulé (passé ou à venir), et par évènement annulé
-- (dépublié) qui a des lignes de vente (ses billets et leurs remboursements).
-- Columns:
--   event_id, event_name, event_category (l'additionalType de TiBillet), start_at, soiree_day
--   is_cancelled     dépublié dans TiBillet (une soirée annulée), montré avec ses remboursements
--   is_past          soiree_day avant la date de construction (stg_ref__settings as_of)
--   unit_code, unit_name   l'unité sur laquelle la soirée est imputée (marts.soiree_units), NULL si
--                    non renseignée
--   capacity         la jauge TiBillet (maximumAttendeeCapacity)
--   tickets          billets vendus, nets (marts.soiree_products, famille billet : V, P, F moins R, N)
--   reserved_tickets billets des réservations TiBillet de la soirée (v1), réservations annulées écartées
--   attendance       les billets : l'API de TiBillet ne donne pas de comptage des entrées pour les
--                    soirées passées (v1 /api/ticket/ ne couvre que le jour même, /api/gauge/
--                    répond probablement 403 : comportement documenté de TiBillet)
--   fill_rate        attendance / capacity (DOUBLE ; NULL sans jauge)
--   ticket_gross, ticket_refunds, ticket_net   billetterie en euros (brut V, remboursements R+N, net)
--   bar_net, cashless_net   recettes nettes du bar, et la part payée en cashless
--   membership_count, membership_net   adhésions vendues ce soir-là (nombre net des
--                    remboursements, euros)
--   takings          ticket_net + bar_net (marts.soiree_sales)
--   costs_reel, costs_engage, costs   coûts Odoo de la soirée (marts.soiree_costs) : comptabilisés,
--                    brouillons, les deux
--   dispatched       les recettes de la soirée reversées à d'autres unités (app.internal_transfers
--                    portant son event_id : ses dépenses internes)
--   dispatch_count   combien de transferts les ont reversées
--   result           takings − costs
--   kept             takings − dispatched : ce que garde l'unité de la soirée
--   result_after_dispatch  takings − costs − dispatched
--   referent_count, referents   ses référent·es (e-mails séparés par des virgules)
-- Montants en DECIMAL(14,2), euros TTC.
with settings as (
    select as_of from staging.stg_ref__settings
),

events as (
    select * from staging.stg_tibillet__events
    where not is_cancelled
       or event_id in (select event_id from marts.soiree_sale_lines)
),

products as (
    select
        event_id,
        coalesce(sum(quantity) filter (where family = 'billet'), 0)  as tickets,
        coalesce(sum(gross) filter (where family = 'billet'), 0)     as ticket_gross,
        coalesce(sum(refunds) filter (where family = 'billet'), 0)   as ticket_refunds,
        coalesce(sum(cashless_net) filter (where family = 'bar'), 0) as cashless_net,
        coalesce(sum(quantity) filter (where family = 'adhesion'), 0) as membership_count
    from marts.soiree_products
    group by event_id
),

reservations as (
    select event_id, sum(ticket_count) as reserved_tickets
    from staging.stg_tibillet__reservations
    where status <> 'C'
    group by event_id
),

costs as (
    select
        event_id,
        coalesce(sum(amount) filter (where counts_as = 'reel'), 0)   as costs_reel,
        coalesce(sum(amount) filter (where counts_as = 'engage'), 0) as costs_engage
    from marts.soiree_costs
    group by event_id
),

dispatch as (
    select event_id, sum(amount) as dispatched, count(*) as dispatch_count
    from app.internal_transfers
    where event_id is not null
    group by event_id
),

referents as (
    select event_id, count(*) as referent_count, string_agg(person_email, ', ' order by person_email) as referents
    from app.event_referents
    group by event_id
),

joined as (
    select
        events.event_id,
        events.event_name,
        events.event_category,
        events.start_at,
        events.soiree_day,
        events.is_cancelled,
        events.soiree_day < settings.as_of                             as is_past,
        units.unit_code,
        ref_units.name                                                 as unit_name,
        events.capacity,
        coalesce(products.tickets, 0)                                  as tickets,
        coalesce(reservations.reserved_tickets, 0)                     as reserved_tickets,
        coalesce(products.ticket_gross, 0)                             as ticket_gross,
        coalesce(products.ticket_refunds, 0)                           as ticket_refunds,
        coalesce(sales.ticket_net, 0)                                  as ticket_net,
        coalesce(sales.bar_net, 0)                                     as bar_net,
        coalesce(products.cashless_net, 0)                             as cashless_net,
        coalesce(products.membership_count, 0)                         as membership_count,
        coalesce(sales.membership_net, 0)                              as membership_net,
        coalesce(sales.takings, 0)                                     as takings,
        coalesce(costs.costs_reel, 0)                                  as costs_reel,
        coalesce(costs.costs_engage, 0)                                as costs_engage,
        coalesce(dispatch.dispatched, 0)                               as dispatched,
        coalesce(dispatch.dispatch_count, 0)                           as dispatch_count,
        coalesce(referents.referent_count, 0)                          as referent_count,
        referents.referents
    from events
    cross join settings
    left join marts.soiree_units as units using (event_id)
    left join ref.units as ref_units on ref_units.unit_code = units.unit_code
    left join products using (event_id)
    left join reservations using (event_id)
    left join marts.soiree_sales as sales using (event_id)
    left join costs using (event_id)
    left join dispatch using (event_id)
    left join referents using (event_id)
)

select
    event_id,
    event_name,
    event_category,
    start_at,
    soiree_day,
    is_cancelled,
    is_past,
    unit_code,
    unit_name,
    capacity,
    tickets::integer                                              as tickets,
    reserved_tickets::integer                                     as reserved_tickets,
    tickets::integer                                              as attendance,
    case when capacity > 0 then tickets::double / capacity end    as fill_rate,
    ticket_gross::decimal(14, 2)                                  as ticket_gross,
    ticket_refunds::decimal(14, 2)                                as ticket_refunds,
    ticket_net::decimal(14, 2)                                    as ticket_net,
    bar_net::decimal(14, 2)                                       as bar_net,
    cashless_net::decimal(14, 2)                                  as cashless_net,
    membership_count::integer                                     as membership_count,
    membership_net::decimal(14, 2)                                as membership_net,
    takings::decimal(14, 2)                                       as takings,
    costs_reel::decimal(14, 2)                                    as costs_reel,
    costs_engage::decimal(14, 2)                                  as costs_engage,
    (costs_reel + costs_engage)::decimal(14, 2)                   as costs,
    dispatched::decimal(14, 2)                                    as dispatched,
    dispatch_count::integer                                       as dispatch_count,
    (takings - costs_reel - costs_engage)::decimal(14, 2)         as result,
    (takings - dispatched)::decimal(14, 2)                        as kept,
    (takings - costs_reel - costs_engage - dispatched)::decimal(14, 2) as result_after_dispatch,
    referent_count::integer                                       as referent_count,
    referents
from joined
order by start_at, event_id
