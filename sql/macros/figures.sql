-- The definitions of the budget figures, written once: every mart, page query and alert that
-- shows a « % consommé » or an overrun calls these macros (the build creates them before the
-- staging views, in the same transaction).
--
-- pct_consomme(reel, engage, previsionnel)
--   (reel + engage) / previsionnel, a ratio (0.125 = 12,5 %): what is spent or committed out of
--   what was planned. NULL when there is no forecast (previsionnel = 0 or NULL): there is no
--   percentage of nothing, the page shows « — » (never NaN nor an infinite percentage).
--   For a recette category the same ratio reads « % réalisé ».
CREATE OR REPLACE MACRO marts.pct_consomme(reel, engage, previsionnel) AS
    CASE WHEN coalesce(previsionnel, 0) > 0
         THEN CAST(coalesce(reel, 0) + coalesce(engage, 0) AS DOUBLE) / CAST(previsionnel AS DOUBLE)
    END;

-- montant_depassement(direction, reel, engage, previsionnel)
--   For a dépense: what is spent or committed beyond the forecast, reel + engage − previsionnel,
--   when it is positive; 0 otherwise, and always 0 for a recette (receiving more than planned is
--   no overrun). An expense without any forecast overruns by its whole amount.
CREATE OR REPLACE MACRO marts.montant_depassement(direction, reel, engage, previsionnel) AS
    CAST(CASE WHEN direction = 'depense'
                   AND coalesce(reel, 0) + coalesce(engage, 0) > coalesce(previsionnel, 0)
              THEN coalesce(reel, 0) + coalesce(engage, 0) - coalesce(previsionnel, 0)
              ELSE 0 END AS DECIMAL(14, 2));

-- depassement(direction, reel, engage, previsionnel)
--   true when montant_depassement > 0: a dépense category spent or committed beyond its forecast.
CREATE OR REPLACE MACRO marts.depassement(direction, reel, engage, previsionnel) AS
    marts.montant_depassement(direction, reel, engage, previsionnel) > 0;

-- exercice_periode(day, start_month)
--   The exercice holding `day`, written as the period filter reads it: '2025' when the exercice
--   is the calendar year (start_month = 1), else 'EX2025' (the year it starts in).
CREATE OR REPLACE MACRO marts.exercice_periode(day, start_month) AS
    CASE WHEN start_month = 1 THEN CAST(year(day) AS VARCHAR)
         ELSE 'EX' || CAST(year(day) - CAST(month(day) < start_month AS INTEGER) AS VARCHAR) END;
