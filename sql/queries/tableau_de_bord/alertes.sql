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
WITH shown AS (
    SELECT a.alert_key,
           a.alert_code,
           a.severity,
           a.unit_code,
           t.name AS unit_name,
           a.label,
           a.amount,
           a.stake,
           a.periode,
           a.alert_date,
           a.link,
           CASE a.severity WHEN 'haute' THEN 0 WHEN 'moyenne' THEN 1 ELSE 2 END AS severity_rank
    FROM marts.unit_alerts AS a
    JOIN marts.org_rollup AS r USING (unit_code)
    LEFT JOIN marts.org_tree AS t USING (unit_code)
    WHERE r.ancestor_code = $unit
)
SELECT *,
       count(*) OVER (PARTITION BY alert_code) AS kind_count,
       count(*) FILTER (WHERE severity = 'haute') OVER (PARTITION BY alert_code) AS kind_high,
       coalesce(sum(stake) OVER (PARTITION BY alert_code), 0)::DECIMAL(14, 2) AS kind_stake
FROM shown
ORDER BY min(severity_rank) OVER (PARTITION BY alert_code), kind_stake DESC, alert_code,
         severity_rank, stake DESC NULLS LAST, unit_name, alert_key
