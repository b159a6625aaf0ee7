-- org_tree — l'arbre de l'organisation du fichier de configuration, prêt à afficher.
--
-- Grain: une ligne par unité (organisation, groupe, pôle, projet, action).
-- Columns:
--   unit_code    le code de l'unité (le code analytique imbriqué de La Raffinerie, p. ex. '30301')
--   name         son nom ('Jardin partagé')
--   level        organisation | groupe | pole | projet | action
--   parent_code  le code de l'unité au-dessus (NULL pour la racine)
--   depth        0 pour la racine, 1 pour un groupe, …
--   path         les codes de la racine jusqu'à l'unité, joints par '/' ('R/30/303/30301')
--   sort         la position de l'unité dans le fichier de configuration (ordre de l'arbre)
--   label        le nom décalé selon sa profondeur (espaces insécables, gardées par un navigateur),
--                pour une liste déroulante ou un tableau qui montre l'arbre
--   tree_key     trie les unités dans l'ordre de l'arbre quel que soit l'ordre du fichier : chaque
--                unité après son parent, les pôles d'un groupe (chacun avec ses projets) avant le
--                groupe suivant ('000000/000003/000007' : les positions de ses ancêtres et la sienne)
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
