-- A soirée's figures add up: net = tickets + bar + memberships + top-ups; the products of each
-- family sum to the soirée's; takings = tickets + bar; result = takings − costs; kept = takings
-- − dispatched. Returns the soirées that do not.
with by_family as (
    select
        event_id,
        coalesce(sum(net) filter (where family = 'billet'), 0)   as ticket_net,
        coalesce(sum(net) filter (where family = 'bar'), 0)      as bar_net,
        coalesce(sum(net) filter (where family = 'adhesion'), 0) as membership_net
    from marts.soiree_products
    group by event_id
)

select 'soiree_sales' as what, s.event_id
from marts.soiree_sales as s
left join by_family as f using (event_id)
where s.net <> s.ticket_net + s.bar_net + s.membership_net + s.recharge_net
   or s.takings <> s.ticket_net + s.bar_net
   or s.ticket_net <> coalesce(f.ticket_net, 0)
   or s.bar_net <> coalesce(f.bar_net, 0)
   or s.membership_net <> coalesce(f.membership_net, 0)
union all
select 'soiree_results', r.event_id
from marts.soiree_results as r
where r.takings <> r.ticket_net + r.bar_net
   or r.costs <> r.costs_reel + r.costs_engage
   or r.result <> r.takings - r.costs
   or r.kept <> r.takings - r.dispatched
   or r.result_after_dispatch <> r.takings - r.costs - r.dispatched
   or r.ticket_refunds > 0
