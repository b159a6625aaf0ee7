-- Tableau de bord — the alerts of a unit and of every unit below it (marts.unit_alerts rolled up
-- with marts.org_rollup), grouped by kind, the kind with the most at stake first, then within a
-- kind by severity ('haute', 'moyenne', then 'info': below [alerts] materiality) and amount at
-- stake.
--
-- Parameters: $unit.
-- Columns: alert_key, alert_code, severity ('haute' | 'moyenne' | 'info'), unit_code, unit_name,
--          label (French, from the mart), amount (NULL for a compte rendu), stake (the amount at
--          stake, NULL for a compte rendu), periode (where the figure shows), alert_date (NULL for
--          the budget alerts), link (page and query string of the detail, e.g.
--          'suivi-budgetaire?unite=303&periode=2025'),
--          kind_count, kind_high (alerts of that kind, of which 'haute'), kind_stake (their total
--          at stake), severity_rank (0 haute, 1 moyenne, 2 info)
with shown as (
    select a.alert_key,
           a.alert_code,
           a.severity,
           a.unit_code,
           t.name as unit_name,
           a.label,
           a.amount,
           a.stake,
           a.periode,
           a.alert_date,
           a.link,
           case a.severity when 'haute' then 0 when 'moyenne' then 1 else 2 end as severity_rank
    from marts.unit_alerts as a
    join marts.org_rollup as r using (unit_code)
    left join marts.org_tree as t using (unit_code)
    where r.ancestor_code = $unit
)
select *,
       count(*) over (partition by alert_code) as kind_count,
       count(*) filter (where severity = 'haute') over (partition by alert_code) as kind_high,
       coalesce(sum(stake) over (partition by alert_code), 0)::decimal(14, 2) as kind_stake
from shown
order by min(severity_rank) over (partition by alert_code), kind_stake desc, alert_code,
         severity_rank, stake desc nulls last, unit_name, alert_key
