-- Explorateur — pivot of prévisionnel / engagé / réel (marts.budget_vs_actual) by the dimensions
-- the user chose.
--
-- Parameters:
--   $unit, $date_from (inclusive), $date_to (exclusive)  the page filters, on the month (as
--                        suivi_budgetaire/recap.sql); the unit's whole subtree is counted
--   $row1, $row2, $col   dimension names as in pivot_lignes.sql, without 'statut' and 'source'
--                        (a forecast has neither)
--   $measure             'previsionnel' | 'engage' | 'reel' | 'ecart' (reel − previsionnel) |
--                        'reste' (previsionnel − reel − engage)
--   $categories, $directions   filters: comma-separated codes, '' for all
-- Grain, columns: as pivot_lignes.sql (line_count = number of unit × category × month rows).
-- Réel without the internal flows eliminated at $unit (marts.budget_eliminations: both ends in its
-- subtree), as the Suivi budgétaire counts it (marts.budget_rollup); a row left with nothing is
-- left out.
-- include: explorateur/_unites.sql
eliminated as (
    select line_unit as unit_code, category_code, month, sum(amount) as amount
    from marts.budget_eliminations
    where unit_code = $unit and counts_as = 'reel'
    group by all
),
budget as (
    select b.unit_code, b.category_code, b.direction, b.month, b.previsionnel, b.engage,
           b.reel - coalesce(e.amount, 0) as reel
    from marts.budget_vs_actual as b
    left join eliminated as e using (unit_code, category_code, month)
),
facts as (
    select b.previsionnel,
           b.engage,
           b.reel,
           map {
               'unite': {'key': b.unit_code, 'label': coalesce(u.name, b.unit_code), 'sort': lpad(coalesce(u.sort, 0)::varchar, 8, '0')},
               'groupe': {'key': coalesce(u.groupe_code, ''), 'label': u.groupe_name, 'sort': lpad(coalesce(u.groupe_sort, -1)::varchar, 8, '0')},
               'pole': {'key': coalesce(u.pole_code, ''), 'label': u.pole_name, 'sort': lpad(coalesce(u.pole_sort, -1)::varchar, 8, '0')},
               'projet': {'key': coalesce(u.projet_code, ''), 'label': u.projet_name, 'sort': lpad(coalesce(u.projet_sort, -1)::varchar, 8, '0')},
               'categorie': {'key': b.category_code, 'label': coalesce(c.label, b.category_code), 'sort': lpad(coalesce(c.sort, 0)::varchar, 8, '0')},
               'direction': {'key': b.direction, 'label': b.direction, 'sort': case b.direction when 'depense' then '0' else '1' end},
               'mois': {'key': strftime(b.month, '%Y-%m'), 'label': strftime(b.month, '%Y-%m'), 'sort': strftime(b.month, '%Y-%m')},
               'trimestre': {'key': year(b.month) || '-T' || quarter(b.month), 'label': year(b.month) || '-T' || quarter(b.month), 'sort': year(b.month) || '-T' || quarter(b.month)},
               'annee': {'key': year(b.month)::varchar, 'label': year(b.month)::varchar, 'sort': year(b.month)::varchar}
           } as dims
    from budget as b
    left join units as u using (unit_code)
    left join ref.categories as c using (category_code)
    where b.unit_code in (select unit_code from marts.org_rollup where ancestor_code = $unit)
      and b.month >= date_trunc('month', cast($date_from as date))
      and b.month < cast($date_to as date)
      and ($categories = '' or list_contains(string_split($categories, ','), b.category_code))
      and ($directions = '' or list_contains(string_split($directions, ','), b.direction))
      and (b.previsionnel <> 0 or b.engage <> 0 or b.reel <> 0)
),
picked as (
    select previsionnel, engage, reel,
           dims[$row1].key as r1_key, dims[$row1].label as r1_label, dims[$row1].sort as r1_sort,
           dims[$row2].key as r2_key, dims[$row2].label as r2_label, dims[$row2].sort as r2_sort,
           dims[$col].key as c_key, dims[$col].label as c_label, dims[$col].sort as c_sort
    from facts
),
cells as (
    select r1_key, r1_label, r1_sort, r2_key, r2_label, r2_sort, c_key, c_label, c_sort,
           grouping(r1_key) = 1 as row1_total,
           grouping(r2_key) = 1 as row2_total,
           grouping(c_key) = 1 as col_total,
           case $measure
               when 'previsionnel' then sum(previsionnel)
               when 'engage' then sum(engage)
               when 'reel' then sum(reel)
               when 'ecart' then sum(reel) - sum(previsionnel)
               when 'reste' then sum(previsionnel) - sum(reel) - sum(engage)
           end::decimal(14,2) as value,
           count(*) as line_count
    from picked
    group by grouping sets (
        (r1_key, r1_label, r1_sort, r2_key, r2_label, r2_sort, c_key, c_label, c_sort),
        (r1_key, r1_label, r1_sort, r2_key, r2_label, r2_sort),
        (r1_key, r1_label, r1_sort, c_key, c_label, c_sort),
        (r1_key, r1_label, r1_sort),
        (c_key, c_label, c_sort),
        ()
    )
)
select *
from cells
where not ($row2 = '' and row2_total and not row1_total)
  and not ($col = '' and not col_total)
order by row1_total, r1_sort, r1_key, row2_total, r2_sort, r2_key, col_total, c_sort, c_key
