-- Suivi évènements — the season view: one row per soirée of the period, with the figures that
-- compare them (marts.soiree_results; which soirées: _saison.sql).
-- Parameters: $unit, $date_from (inclusive), $date_to (exclusive).
-- Columns: every column of marts.soiree_results, then unit_label (« Name (code) » or '')
-- include: suivi_evenements/_saison.sql
shown as (
    select season.*,
           case when unit_code is null then '' else unit_name || ' (' || unit_code || ')' end as unit_label
    from season
)
select * from shown
order by start_at, event_id
