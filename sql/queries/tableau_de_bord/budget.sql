-- Tableau de bord — the budget cards: forecast against actual for a unit (and its subtree) over a
-- period (by default the current exercice, as the page's period filter gives it).
--
-- Parameters: $unit, $date_from (inclusive), $date_to (exclusive), as in suivi_budgetaire/kpis.sql.
-- Columns (one row; same definitions as suivi_budgetaire/recap.sql):
--   depenses_previsionnel, depenses_engage, depenses_reel (dépensé)
--   depenses_pct_consomme  (depenses_reel + depenses_engage) / depenses_previsionnel, a ratio;
--                          NULL without forecast
--   depenses_depassement   depenses_reel + depenses_engage > depenses_previsionnel
--   depenses_ecart         depenses_reel − depenses_previsionnel
--   recettes_previsionnel, recettes_reel (encaissé)
--   recettes_pct_realise   recettes_reel / recettes_previsionnel, a ratio; NULL without forecast
--   recettes_ecart         recettes_reel − recettes_previsionnel
--   solde_reel             recettes_reel − depenses_reel
WITH figures AS (
    SELECT
        coalesce(sum(previsionnel) FILTER (WHERE direction = 'depense'), 0)::DECIMAL(14,2) AS depenses_previsionnel,
        coalesce(sum(engage) FILTER (WHERE direction = 'depense'), 0)::DECIMAL(14,2) AS depenses_engage,
        coalesce(sum(reel) FILTER (WHERE direction = 'depense'), 0)::DECIMAL(14,2) AS depenses_reel,
        coalesce(sum(previsionnel) FILTER (WHERE direction = 'recette'), 0)::DECIMAL(14,2) AS recettes_previsionnel,
        coalesce(sum(reel) FILTER (WHERE direction = 'recette'), 0)::DECIMAL(14,2) AS recettes_reel
    FROM marts.budget_vs_actual
    WHERE unit_code IN (SELECT unit_code FROM marts.org_rollup WHERE ancestor_code = $unit)
      AND month >= date_trunc('month', CAST($date_from AS DATE))
      AND month < CAST($date_to AS DATE)
)
SELECT depenses_previsionnel,
       depenses_engage,
       depenses_reel,
       CASE WHEN depenses_previsionnel <> 0
            THEN CAST((depenses_reel + depenses_engage) / depenses_previsionnel AS DOUBLE) END
           AS depenses_pct_consomme,
       (depenses_reel + depenses_engage) > depenses_previsionnel AS depenses_depassement,
       depenses_reel - depenses_previsionnel AS depenses_ecart,
       recettes_previsionnel,
       recettes_reel,
       CASE WHEN recettes_previsionnel <> 0
            THEN CAST(recettes_reel / recettes_previsionnel AS DOUBLE) END AS recettes_pct_realise,
       recettes_reel - recettes_previsionnel AS recettes_ecart,
       recettes_reel - depenses_reel AS solde_reel
FROM figures
