-- Dépassements — les catégories de dépense dont le réel et l'engagé dépassent le prévisionnel
-- sur la période, unité par unité (l'unité choisie et celles qu'elle contient).
--
-- Parameters: $unit (l'unité ; ses unités comprises, par marts.org_rollup),
--             $date_from (premier jour, inclus), $date_to (lendemain du dernier jour, exclu).
-- Grain: une ligne par unité × catégorie de dépense en dépassement sur la période, la plus
--        grosse d'abord. Le dépassement est celui de sql/macros/figures.sql (marts.depassement),
--        comme sur le Suivi budgétaire, mais sans cumul : chaque unité pour ses propres lignes.
-- Columns: unit_name, category_label, previsionnel, engage, reel, pct_consomme, montant_depassement
select u.name as unit_name,
       c.label as category_label,
       sum(b.previsionnel)::decimal(14,2) as previsionnel,
       sum(b.engage)::decimal(14,2) as engage,
       sum(b.reel)::decimal(14,2) as reel,
       marts.pct_consomme(sum(b.reel), sum(b.engage), sum(b.previsionnel)) as pct_consomme,
       marts.montant_depassement('depense', sum(b.reel), sum(b.engage), sum(b.previsionnel)) as montant_depassement
from marts.budget_vs_actual as b
join marts.org_rollup as r on r.unit_code = b.unit_code and r.ancestor_code = $unit
join marts.org_tree as u on u.unit_code = b.unit_code
join ref.categories as c on c.category_code = b.category_code
where b.direction = 'depense'
  and b.month >= date_trunc('month', cast($date_from as date))
  and b.month < cast($date_to as date)
group by u.name, u.sort, c.label, c.sort
having marts.depassement('depense', sum(b.reel), sum(b.engage), sum(b.previsionnel))
order by montant_depassement desc, u.sort, c.sort
