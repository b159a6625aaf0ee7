-- The units shown: $unit and every unit below it (marts.org_rollup), with the tree order key.
subtree AS (
    SELECT tree.unit_code, tree.name, tree.level, tree.depth, tree.path,
           string_agg(lpad(CAST(above.sort AS VARCHAR), 6, '0'), '/' ORDER BY up.distance DESC) AS tree_key
    FROM marts.org_rollup AS below
    JOIN marts.org_tree AS tree ON tree.unit_code = below.unit_code
    JOIN marts.org_rollup AS up ON up.unit_code = tree.unit_code
    JOIN marts.org_tree AS above ON above.unit_code = up.ancestor_code
    WHERE below.ancestor_code = $unit
      AND tree.level IN ('organisation', 'groupe', 'pole', 'projet')
    GROUP BY tree.unit_code, tree.name, tree.level, tree.depth, tree.path
)
