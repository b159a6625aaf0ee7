-- The units shown: $unit and every unit below it (marts.org_rollup), with the tree order key.
subtree as (
    select tree.unit_code, tree.name, tree.level, tree.depth, tree.path,
           string_agg(lpad(cast(above.sort as varchar), 6, '0'), '/' order by up.distance desc) as tree_key
    from marts.org_rollup as below
    join marts.org_tree as tree on tree.unit_code = below.unit_code
    join marts.org_rollup as up on up.unit_code = tree.unit_code
    join marts.org_tree as above on above.unit_code = up.ancestor_code
    where below.ancestor_code = $unit
      and tree.level in ('organisation', 'groupe', 'pole', 'projet')
    group by tree.unit_code, tree.name, tree.level, tree.depth, tree.path
)
