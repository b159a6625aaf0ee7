-- soiree_sales — TiBillet takings per soirée.
--
-- Grain: one row per TiBillet event that has at least one sale line on its soirée day.
-- Columns:
--   event_id      TiBillet event identifier
--   event_name    its name
--   soiree_day    the soirée's local day (see stg_tibillet__sales: 04:00 → 04:00)
--   lines         sale lines counted (statuses V, R, N)
--   gross         confirmed sales (V), in euros VAT included
--   refunds       refunds and credit notes (R, N), negative
--   net           gross + refunds
--
-- A sale line carries no event id (TiBillet's API), so it goes to the event of its soirée day,
-- as the research on TiBillet advises. When two events share a day, a line goes to the last one
-- started before it was sold (or the first of the day, for a line sold before any started).
-- Limit: a ticket bought online on another day is not attributed here; TiBillet's v1
-- reservations (staging.stg_tibillet__reservations) tie tickets to their event.
with events as (
    select event_id, event_name, soiree_day, start_at
    from staging.stg_tibillet__events
    where not is_cancelled and soiree_day is not null
),

sales as (
    select sale_line_id, soiree_day, sold_at, status, amount
    from staging.stg_tibillet__sales
    where counts_in_net_sales
),

candidates as (
    select
        s.*,
        e.event_id,
        e.event_name,
        row_number() over (
            partition by s.sale_line_id
            order by (e.start_at <= s.sold_at) desc,
                     case when e.start_at <= s.sold_at then e.start_at end desc,
                     e.start_at
        ) as preference
    from sales s
    join events e using (soiree_day)
)

select
    event_id,
    any_value(event_name)                                          as event_name,
    any_value(soiree_day)                                          as soiree_day,
    count(*)                                                       as lines,
    coalesce(sum(amount) filter (where status = 'V'), 0)::decimal(14, 2)        as gross,
    coalesce(sum(amount) filter (where status in ('R', 'N')), 0)::decimal(14, 2) as refunds,
    sum(amount)::decimal(14, 2)                                    as net
from candidates
where preference = 1
group by event_id
