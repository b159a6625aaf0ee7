-- Suivi budgétaire — the KPI cards: one row of totals for a unit (and its subtree) and a period.
--
-- Parameters: $unit, $date_from (inclusive), $date_to (exclusive), as in recap.sql.
-- Columns (same definitions as recap.sql: the macros of sql/macros/figures.sql):
--   depenses_previsionnel, depenses_engage, depenses_reel (dépensé),
--   reste_a_depenser = depenses_previsionnel - depenses_reel - depenses_engage,
--   depenses_pct_consomme = (depenses_reel + depenses_engage) / depenses_previsionnel (a ratio;
--     NULL without forecast), depenses_depassement, depenses_montant_depassement (by how much:
--     reel + engage − previsionnel, 0 without overrun), depenses_ecart = depenses_reel - depenses_previsionnel,
--   recettes_previsionnel, recettes_engage, recettes_reel (encaissé),
--   reste_a_encaisser = recettes_previsionnel - recettes_reel,
--   recettes_pct_realise = recettes_reel / recettes_previsionnel (a ratio; NULL without forecast),
--   recettes_ecart = recettes_reel - recettes_previsionnel,
--   solde_reel = recettes_reel - depenses_reel
with figures as (
    select
        coalesce(sum(previsionnel) filter (where direction = 'depense'), 0)::decimal(14,2) as depenses_previsionnel,
        coalesce(sum(engage) filter (where direction = 'depense'), 0)::decimal(14,2) as depenses_engage,
        coalesce(sum(reel) filter (where direction = 'depense'), 0)::decimal(14,2) as depenses_reel,
        coalesce(sum(previsionnel) filter (where direction = 'recette'), 0)::decimal(14,2) as recettes_previsionnel,
        coalesce(sum(engage) filter (where direction = 'recette'), 0)::decimal(14,2) as recettes_engage,
        coalesce(sum(reel) filter (where direction = 'recette'), 0)::decimal(14,2) as recettes_reel
    from marts.budget_rollup  -- the unit and its subtree, internal flows inside it eliminated
    where unit_code = $unit
      and month >= date_trunc('month', cast($date_from as date))
      and month < cast($date_to as date)
)
select depenses_previsionnel,
       depenses_engage,
       depenses_reel,
       depenses_previsionnel - depenses_reel - depenses_engage as reste_a_depenser,
       marts.pct_consomme(depenses_reel, depenses_engage, depenses_previsionnel) as depenses_pct_consomme,
       marts.depassement('depense', depenses_reel, depenses_engage, depenses_previsionnel) as depenses_depassement,
       marts.montant_depassement('depense', depenses_reel, depenses_engage, depenses_previsionnel)
           as depenses_montant_depassement,
       depenses_reel - depenses_previsionnel as depenses_ecart,
       recettes_previsionnel,
       recettes_engage,
       recettes_reel,
       recettes_previsionnel - recettes_reel as reste_a_encaisser,
       marts.pct_consomme(recettes_reel, 0, recettes_previsionnel) as recettes_pct_realise,
       recettes_reel - recettes_previsionnel as recettes_ecart,
       recettes_reel - depenses_reel as solde_reel
from figures
