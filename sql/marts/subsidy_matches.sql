-- subsidy_matches — à quelle subvention comptabilisée dans Odoo appartient chaque suivi de membre
-- (app.subsidies), et comment cela a été décidé. Jamais deviné en cas de doute.
--
-- Grain: une ligne par ligne de app.subsidies.
-- Columns:
--   subsidy_id        le suivi (app.subsidies)
--   subsidy_move_id   la subvention Odoo à laquelle il est rattaché (marts.odoo_subsidy_moves), ou NULL
--   match             'lien'        un membre a choisi la pièce Odoo (app.subsidies.odoo_move_id)
--                     'auto'        rapproché par la règle ci-dessous
--                     'ambigu'      plusieurs subventions Odoo lui correspondent, ou celle qui
--                                   correspond correspond aussi à d'autres suivis : non rattaché,
--                                   un membre doit choisir
--                     'aucun'       aucune subvention Odoo ne correspond (pas encore
--                                   comptabilisée : montrée d'après la saisie, et rapprochée
--                                   quand elle apparaît)
--                     'introuvable' la pièce Odoo choisie n'est pas (ou plus) une subvention
--                                   comptabilisée
--                     'en_double'   un autre suivi d'id plus petit nomme déjà cette pièce
--   candidates        combien de subventions Odoo lui correspondent (règle ci-dessous), pour
--                     'auto', 'ambigu', 'aucun'
--
-- Règle pour 'auto' : parmi les subventions Odoo qu'aucun membre n'a choisies, celles du même
-- financeur (l'id du partenaire Odoo saisi dans le suivi, ou le nom du partenaire égal au financeur
-- saisi, sans tenir compte de la casse ni des espaces autour), dont le montant accordé en
-- comptabilité égale le montant accordé saisi, comptabilisées dans l'exercice de la date de
-- notification du suivi (sinon date d'attribution, sinon début de la période, sinon date de
-- demande, sinon as_of). Rattaché seulement quand exactement une correspond au suivi ET que cette
-- subvention Odoo ne correspond à aucun autre suivi.
with settings as (
    select as_of, fiscal_year_start_month as start_month
    from staging.stg_ref__settings
),

followups as (
    select
        subsidies.subsidy_id,
        subsidies.funder,
        subsidies.odoo_partner_id,
        subsidies.odoo_move_id,
        subsidies.amount_granted,
        coalesce(subsidies.notified_on, subsidies.granted_on, subsidies.period_start,
                 subsidies.requested_on, settings.as_of)                   as anchor_date,
        settings.start_month
    from app.subsidies as subsidies
    cross join settings
),

anchored as (
    select
        *,
        marts.exercice_debut(anchor_date, start_month)
            as exercice_start
    from followups
),

chosen as (
    select
        anchored.subsidy_id,
        anchored.odoo_move_id,
        moves.subsidy_move_id is not null                                   as found,
        row_number() over (partition by anchored.odoo_move_id order by anchored.subsidy_id) as rank
    from anchored
    left join marts.odoo_subsidy_moves as moves on moves.subsidy_move_id = anchored.odoo_move_id
    where anchored.odoo_move_id is not null
),

taken as (
    select odoo_move_id as subsidy_move_id from chosen where found
),

candidates as (
    select anchored.subsidy_id, moves.subsidy_move_id
    from anchored
    join marts.odoo_subsidy_moves as moves
        on (anchored.odoo_partner_id = moves.partner_id
            or lower(trim(anchored.funder)) = lower(trim(moves.funder)))
       and anchored.amount_granted = moves.granted
       and anchored.exercice_start = moves.exercice_start
    where anchored.odoo_move_id is null
      and moves.subsidy_move_id not in (select subsidy_move_id from taken)
),

counted as (
    select
        subsidy_id,
        subsidy_move_id,
        marts.seul_candidat(subsidy_id, subsidy_move_id) as one_to_one  -- sql/macros/figures.sql
    from candidates
),

candidate_counts as (
    select subsidy_id, count(*) as candidates from candidates group by subsidy_id
)

select
    anchored.subsidy_id,
    case
        when chosen.found and chosen.rank = 1 then chosen.odoo_move_id
        when chosen.subsidy_id is null then unique_match.subsidy_move_id
    end                                                              as subsidy_move_id,
    case
        when chosen.subsidy_id is not null and not chosen.found then 'introuvable'
        when chosen.subsidy_id is not null and chosen.rank > 1   then 'en_double'
        when chosen.subsidy_id is not null                       then 'lien'
        when unique_match.subsidy_move_id is not null            then 'auto'
        when coalesce(candidate_counts.candidates, 0) > 0        then 'ambigu'
        else 'aucun'
    end                                                              as match,
    case when chosen.subsidy_id is null then coalesce(candidate_counts.candidates, 0) end as candidates
from anchored
left join chosen using (subsidy_id)
left join (select subsidy_id, subsidy_move_id from counted where one_to_one)
    as unique_match using (subsidy_id)
left join candidate_counts using (subsidy_id)
order by anchored.subsidy_id
