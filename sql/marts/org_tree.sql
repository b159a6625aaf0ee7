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
--   tree_key     sorts the units in tree order whatever the file's order: each unit after its
--                parent, a groupe's pôles (each with its projets) before the next groupe
--                ('000000/000003/000007': the positions of its ancestors and its own)
with recursive lineage (unit_code, tree_key) as (
    select unit_code, lpad(cast(sort as varchar), 6, '0')
    from ref.units
    where parent_code is null
    union all
    select units.unit_code, lineage.tree_key || '/' || lpad(cast(units.sort as varchar), 6, '0')
    from ref.units as units
    join lineage on units.parent_code = lineage.unit_code
)

select
    units.unit_code,
    units.name,
    units.level,
    units.parent_code,
    units.depth,
    units.path,
    units.sort,
    repeat(chr(160), 4 * units.depth) || units.name as label,
    lineage.tree_key
from ref.units as units
join lineage using (unit_code)
order by units.sort
