-- Mon tableau de bord — who « me » is and the build's « today »: the signed-in person's e-mail
-- (trimmed, lower case), as_of, the first month of the exercice and the exercice as_of falls in
-- (named by the year it starts in), the organisation's time zone. Included first by the page's queries; ends with a comma.
-- Parameters: $email.
with me as (
    select lower(trim($email)) as email,
           s.as_of,
           s.timezone,
           coalesce(s.fiscal_year_start_month, 1) as start_month,
           year(marts.exercice_debut(s.as_of, coalesce(s.fiscal_year_start_month, 1))) as exercice
    from staging.stg_ref__settings as s
),
