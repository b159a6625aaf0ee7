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
WITH figures AS (
    SELECT
        coalesce(sum(previsionnel) FILTER (WHERE direction = 'depense'), 0)::DECIMAL(14,2) AS depenses_previsionnel,
        coalesce(sum(engage) FILTER (WHERE direction = 'depense'), 0)::DECIMAL(14,2) AS depenses_engage,
        coalesce(sum(reel) FILTER (WHERE direction = 'depense'), 0)::DECIMAL(14,2) AS depenses_reel,
        coalesce(sum(previsionnel) FILTER (WHERE direction = 'recette'), 0)::DECIMAL(14,2) AS recettes_previsionnel,
        coalesce(sum(engage) FILTER (WHERE direction = 'recette'), 0)::DECIMAL(14,2) AS recettes_engage,
        coalesce(sum(reel) FILTER (WHERE direction = 'recette'), 0)::DECIMAL(14,2) AS recettes_reel
    FROM marts.budget_rollup  -- the unit and its subtree, internal flows inside it eliminated
    WHERE unit_code = $unit
      AND month >= date_trunc('month', CAST($date_from AS DATE))
      AND month < CAST($date_to AS DATE)
)
SELECT depenses_previsionnel,
       depenses_engage,
       depenses_reel,
       depenses_previsionnel - depenses_reel - depenses_engage AS reste_a_depenser,
       marts.pct_consomme(depenses_reel, depenses_engage, depenses_previsionnel) AS depenses_pct_consomme,
       marts.depassement('depense', depenses_reel, depenses_engage, depenses_previsionnel) AS depenses_depassement,
       marts.montant_depassement('depense', depenses_reel, depenses_engage, depenses_previsionnel)
           AS depenses_montant_depassement,
       depenses_reel - depenses_previsionnel AS depenses_ecart,
       recettes_previsionnel,
       recettes_engage,
       recettes_reel,
       recettes_previsionnel - recettes_reel AS reste_a_encaisser,
       marts.pct_consomme(recettes_reel, 0, recettes_previsionnel) AS recettes_pct_realise,
       recettes_reel - recettes_previsionnel AS recettes_ecart,
       recettes_reel - depenses_reel AS solde_reel
FROM figures
