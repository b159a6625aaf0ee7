-- Tableau de bord — the treasury cards, from marts.treasury_plan (the plan is the whole
-- organisation's: the bank accounts are not split by unit, so these cards are the same for
-- every unit).
--
-- Parameters: none.
-- Columns (one row; NULLs when the plan is empty):
--   current_month        the build's month (the first 'previsionnel' month of the plan)
--   current_balance      the balance at the start of that month: its opening balance, i.e. the
--                        closing of the last month of bank movements
--   lowest_closing       the lowest closing balance over the forecast months (kind 'previsionnel')
--   lowest_month         the first forecast month reaching it
--   threshold            the alert threshold ([alerts] cash_threshold)
--   lowest_below_threshold  lowest_closing < threshold
--   last_month           the last month of the plan
WITH forecast AS (
    SELECT * FROM marts.treasury_plan WHERE kind = 'previsionnel'
),
lowest AS (
    SELECT month, closing_balance, threshold
    FROM forecast
    ORDER BY closing_balance, month
    LIMIT 1
),
current AS (
    SELECT month, opening_balance
    FROM forecast
    ORDER BY month
    LIMIT 1
)
SELECT current.month AS current_month,
       current.opening_balance AS current_balance,
       lowest.closing_balance AS lowest_closing,
       lowest.month AS lowest_month,
       lowest.threshold,
       lowest.closing_balance < lowest.threshold AS lowest_below_threshold,
       (SELECT max(month) FROM forecast) AS last_month
FROM (SELECT 1) AS one
LEFT JOIN current ON true
LEFT JOIN lowest ON true
