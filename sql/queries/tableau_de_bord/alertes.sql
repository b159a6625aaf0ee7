-- Tableau de bord — the alerts of a unit and of every unit below it (marts.unit_alerts rolled up
-- with marts.org_rollup), most severe first, in the mart's own order.
--
-- Parameters: $unit.
-- Columns: alert_key, alert_code, severity ('haute' | 'moyenne'), unit_code, unit_name,
--          label (French, from the mart), amount (NULL for a compte rendu), alert_date (NULL for
--          the budget alerts), link (page and query string of the detail, e.g.
--          'suivi-budgetaire?unite=303&periode=2025')
SELECT a.alert_key,
       a.alert_code,
       a.severity,
       a.unit_code,
       t.name AS unit_name,
       a.label,
       a.amount,
       a.alert_date,
       a.link
FROM marts.unit_alerts AS a
JOIN marts.org_rollup AS r USING (unit_code)
LEFT JOIN marts.org_tree AS t USING (unit_code)
WHERE r.ancestor_code = $unit
ORDER BY CASE a.severity WHEN 'haute' THEN 0 ELSE 1 END, a.alert_code, a.unit_code, a.alert_key
