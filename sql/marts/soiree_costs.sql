-- soiree_costs — the costs booked in Odoo for each soirée.
--
-- Grain: one row per soirée × Odoo expense budget line attributed to it.
-- Columns:
--   event_id, line_key (marts.budget_lines), unit_code, category_code, line_date, label,
--   partner, reference, amount (positive: an expense), status, counts_as ('reel' | 'engage')
--
-- A line is the soirée's when:
--   - it comes from Odoo (budget_lines.source = 'odoo'), in a dépense category, real (posted)
--     or committed (draft);
--   - it is booked on the soirée's unit (marts.soiree_units) or a unit below it;
--   - its label holds the soirée's date as dd/mm/yyyy (« Cachet – Kabar (15/03/2025) »).
-- The date in the label is the convention this mart relies on, because a unit such as the Café
-- culturel hosts many soirées and also costs that are no soirée's (rent, energy): without it a
-- line cannot be told apart. Whether La Raffinerie's bookkeepers write the date so is UNVERIFIED;
-- a dedicated analytic account per soirée (a unit at the « action » level) would make every line
-- of that account the soirée's — it would still need the date in the label here.
with soirees as (
    select units.event_id, units.unit_code, events.soiree_day
    from marts.soiree_units as units
    join staging.stg_tibillet__events as events using (event_id)
    where events.soiree_day is not null
)

select
    soirees.event_id,
    lines.line_key,
    lines.unit_code,
    lines.category_code,
    lines.line_date,
    lines.label,
    lines.partner,
    lines.reference,
    lines.amount,
    lines.status,
    lines.counts_as
from soirees
join marts.org_rollup as rollup
    on rollup.ancestor_code = soirees.unit_code
join marts.budget_lines as lines
    on lines.unit_code = rollup.unit_code
   and lines.source = 'odoo'
   and lines.direction = 'depense'
   and lines.counts_as in ('reel', 'engage')
   and contains(coalesce(lines.label, ''), strftime(soirees.soiree_day, '%d/%m/%Y'))
