-- Suivi évènements — the VAT of one soirée per rate (marts.soiree_vat), then a total row.
-- Parameters: $event.
-- Columns: vat_rate (percent, NULL on the total row), ttc, ht, tva, line_count, is_total
select vat_rate, ttc, ht, tva, line_count, false as is_total
from marts.soiree_vat
where event_id = $event
union all
select null, sum(ttc), sum(ht), sum(tva), sum(line_count), true
from marts.soiree_vat
where event_id = $event
having count(*) > 0
order by is_total, vat_rate
