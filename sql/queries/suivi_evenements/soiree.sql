-- Suivi évènements — one soirée's figures (marts.soiree_results), for its detail.
-- Parameters: $event (TiBillet event identifier).
-- Columns: every column of marts.soiree_results, then unit_label
select r.*,
       case when r.unit_code is null then '' else r.unit_name || ' (' || r.unit_code || ')' end as unit_label
from marts.soiree_results as r
where r.event_id = $event
