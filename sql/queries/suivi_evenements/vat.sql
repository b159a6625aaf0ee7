-- Suivi évènements — the VAT of one soirée per rate (marts.soiree_vat), then a total row.
-- Parameters: $event.
-- Columns: vat_rate (percent, NULL on the total row), ttc, ht, tva, line_count, is_total
SELECT vat_rate, ttc, ht, tva, line_count, false AS is_total
FROM marts.soiree_vat
WHERE event_id = $event
UNION ALL
SELECT NULL, sum(ttc), sum(ht), sum(tva), sum(line_count), true
FROM marts.soiree_vat
WHERE event_id = $event
HAVING count(*) > 0
ORDER BY is_total, vat_rate
