-- Every unit rolls up to itself and to each unit above it, up to the root: depth + 1 ancestors.
select tree.unit_code, tree.depth, count(rollup.ancestor_code) as ancestors
from marts.org_tree as tree
left join marts.org_rollup as rollup using (unit_code)
group by tree.unit_code, tree.depth
having count(rollup.ancestor_code) <> tree.depth + 1
