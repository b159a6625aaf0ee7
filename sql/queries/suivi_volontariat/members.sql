-- Suivi volontariat — per member over the period.
-- Parameters: $unit, $date_from (inclusive), $date_to (exclusive).
-- Grain: one row per person with volunteering in the selection, most hours first.
-- Columns: person_key, person_name, is_matched (false: an Oceco citizen not tied to an e-mail yet,
--          see Répertoire), hours_validated, hours_pending, credits, credits_spent,
--          actions_validated, valuation, balance (the person's Oceco balance today, all units,
--          Oceco's own figure; NULL when unknown)
WITH
-- include: suivi_volontariat/_shown.sql
, balances AS (
    SELECT l.person_key, sum(w.credits_balance) AS balance
    FROM staging.stg_oceco__citoyen_wallets AS w
    JOIN marts.people_links AS l ON l.source = 'oceco' AND l.source_id = w.citoyen_id
    GROUP BY l.person_key
)
SELECT shown.person_key,
       any_value(shown.person_name)                        AS person_name,
       any_value(shown.person_email) IS NOT NULL           AS is_matched,
       sum(hours_validated)::DECIMAL(12, 2)                AS hours_validated,
       sum(hours_pending)::DECIMAL(12, 2)                  AS hours_pending,
       sum(credits)::DECIMAL(12, 2)                        AS credits,
       sum(credits_spent)::DECIMAL(12, 2)                  AS credits_spent,
       sum(actions_validated)                              AS actions_validated,
       sum(valuation)::DECIMAL(14, 2)                      AS valuation,
       any_value(balances.balance)                         AS balance
FROM shown
LEFT JOIN balances USING (person_key)
GROUP BY shown.person_key
ORDER BY hours_validated DESC, hours_pending DESC, person_name
