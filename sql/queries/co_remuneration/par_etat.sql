-- Co-rémunération — propositions par état: how many proposals of a unit (and the units under
-- it), and for how much, in each effective state, for missions ending in the period. Every
-- state is listed, in the order of the flow, even when none is in it; a last row gives the total.
-- Also meant for Suivi budgétaire (same parameters as its queries).
-- Parameters: $unit, $date_from (inclusive), $date_to (exclusive) — on the mission's end date.
-- Grain: one row per state (proposee, validee, refusee, facturee, payee), then the total.
-- Columns: status, sort, proposals (count), amount (DECIMAL(14,2), 0 when none), is_total,
--          counts_as ('aucun' proposed or refused; 'engage' validated; 'reel' invoiced or paid,
--          through the Odoo bill, as marts.budget_lines counts them)
with states(status, sort, counts_as) as (
    values ('proposee', 1, 'aucun'), ('validee', 2, 'engage'), ('refusee', 3, 'aucun'),
           ('facturee', 4, 'reel'), ('payee', 5, 'reel')
),
chosen as (
    select p.status, p.amount
    from marts.remuneration_proposals as p
    where p.unit_code in (select unit_code from marts.org_rollup where ancestor_code = $unit)
      and p.end_date >= cast($date_from as date)
      and p.end_date < cast($date_to as date)
),
by_state as (
    select s.status, s.sort, count(c.status) as proposals,
           coalesce(sum(c.amount), 0)::decimal(14, 2) as amount, false as is_total, s.counts_as
    from states as s
    left join chosen as c using (status)
    group by s.status, s.sort, s.counts_as
)
select * from by_state
union all
select 'total', 9, count(*), coalesce(sum(amount), 0)::decimal(14, 2), true, null from chosen
order by sort
