-- org_tree — the organisation tree of the configuration file, ready to show.
--
-- Grain: one row per unit (organisation, groupe, pôle, projet, action).
-- Columns:
--   unit_code    the unit's code (La Raffinerie's nested analytic code, e.g. '30301')
--   name         its name ('Jardin partagé')
--   level        organisation | groupe | pole | projet | action
--   parent_code  the code of the unit above (NULL for the root)
--   depth        0 for the root, 1 for a groupe, …
--   path         codes from the root down to the unit, joined by '/' ('R/30/303/30301')
--   sort         the unit's position in the configuration file (tree order)
--   label        the name indented by its depth (non-breaking spaces, kept by a browser),
--                for a select box or a table that shows the tree
select
    unit_code,
    name,
    level,
    parent_code,
    depth,
    path,
    sort,
    repeat(chr(160), 4 * depth) || name as label
from ref.units
order by sort
