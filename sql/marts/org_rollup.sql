-- org_rollup — which units each unit contains (closure table of the organisation tree).
--
-- Grain: one row per (ancestor, unit below it or itself).
-- Columns:
--   ancestor_code  the unit figures are rolled up to
--   unit_code      a unit inside it (the unit itself included)
--   distance       how many levels below the ancestor (0: the unit itself)
--
-- A figure of unit U rolled up = the sum, over the rows with ancestor_code = U, of the figure
-- booked on unit_code. E.g. the pôle Potager's reel = sum of budget_vs_actual.reel joined on
-- org_rollup.unit_code where org_rollup.ancestor_code = '303'.
with recursive closure as (
    -- every unit is its own ancestor, at distance 0
    select unit_code as ancestor_code, unit_code, 0 as distance
    from ref.units

    union all

    -- then one level up at a time
    select parent.parent_code as ancestor_code, closure.unit_code, closure.distance + 1
    from closure
    join ref.units as parent
        on parent.unit_code = closure.ancestor_code
    where parent.parent_code is not null
)

select ancestor_code, unit_code, distance
from closure
order by ancestor_code, distance, unit_code
