-- Mon tableau de bord — who « me » is and the build's « today »: the signed-in person's e-mail
-- (trimmed, lower case), as_of, the first month of the exercice and the exercice as_of falls in
-- (named by the year it starts in), the organisation's time zone. Included first by the page's queries; ends with a comma.
-- Parameters: $email.
WITH me AS (
    SELECT lower(trim($email)) AS email,
           s.as_of,
           s.timezone,
           coalesce(s.fiscal_year_start_month, 1) AS start_month,
           year(s.as_of) - CASE WHEN month(s.as_of) >= coalesce(s.fiscal_year_start_month, 1)
                                THEN 0 ELSE 1 END AS exercice
    FROM staging.stg_ref__settings AS s
),
