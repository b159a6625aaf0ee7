-- Co-rémunération — propositions par état: how many proposals of a unit (and the units under
-- it), and for how much, in each effective state, for missions ending in the period. Every
-- state is listed, in the order of the flow, even when none is in it; a last row gives the total.
-- Also meant for Suivi budgétaire (same parameters as its queries).
-- Parameters: $unit, $date_from (inclusive), $date_to (exclusive) — on the mission's end date.
-- Grain: one row per state (proposee, validee, refusee, facturee, payee), then the total.
-- Columns: status, sort, proposals (count), amount (DECIMAL(14,2), 0 when none), is_total,
--          counts_as ('aucun' proposed or refused; 'engage' validated; 'reel' invoiced or paid,
--          through the Odoo bill, as marts.budget_lines counts them)
WITH states(status, sort, counts_as) AS (
    VALUES ('proposee', 1, 'aucun'), ('validee', 2, 'engage'), ('refusee', 3, 'aucun'),
           ('facturee', 4, 'reel'), ('payee', 5, 'reel')
),
chosen AS (
    SELECT p.status, p.amount
    FROM marts.remuneration_proposals AS p
    WHERE p.unit_code IN (SELECT unit_code FROM marts.org_rollup WHERE ancestor_code = $unit)
      AND p.end_date >= CAST($date_from AS DATE)
      AND p.end_date < CAST($date_to AS DATE)
),
by_state AS (
    SELECT s.status, s.sort, count(c.status) AS proposals,
           coalesce(sum(c.amount), 0)::DECIMAL(14, 2) AS amount, false AS is_total, s.counts_as
    FROM states AS s
    LEFT JOIN chosen AS c USING (status)
    GROUP BY s.status, s.sort, s.counts_as
)
SELECT * FROM by_state
UNION ALL
SELECT 'total', 9, count(*), coalesce(sum(amount), 0)::DECIMAL(14, 2), true, NULL FROM chosen
ORDER BY sort
