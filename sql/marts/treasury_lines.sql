-- treasury_lines — chaque mouvement de trésorerie du plan de trésorerie, réel ou attendu : le détail
-- derrière les marts treasury_flows et treasury_plan (ce que liste un clic sur un chiffre).
--
-- Grain: une ligne par ligne de relevé bancaire, ligne d'échéance de facture ouverte, facture
-- brouillon, reste de prévision (unité × catégorie × mois) ou échéance de subvention encore attendue.
-- Columns:
--   line_key       clé unique : 'banque:<id de ligne de relevé>', 'facture:<id de ligne d'écriture>',
--                  'brouillon:<id de pièce>', 'prevision:<unité>:<catégorie>:<mois>',
--                  'subvention:<id d'échéance de marts.subsidy_instalments_timeline>' (négatif :
--                  un montant tiré de la comptabilité, voir là)
--   source         'banque'              une ligne de relevé bancaire (ou de caisse) d'Odoo :
--                                        trésorerie réelle
--                  'facture_ouverte'     une facture client ou fournisseur comptabilisée pas
--                                        (entièrement) payée
--                  'brouillon'           une facture client ou fournisseur en brouillon (pas
--                                        encore comptabilisée)
--                  'prevision'           la part d'une prévision (app.forecasts) pas encore
--                                        comptabilisée
--                  'echeance_subvention' ce qui est encore attendu d'une subvention
--                                        (marts.subsidy_instalments_timeline)
--   month          le mois du plan dans lequel le montant compte (premier jour du mois)
--   kind           'reel' (mois avant celui d'as_of) | 'previsionnel' (à partir du mois d'as_of)
--   expected_on    la date du mouvement : la date de la ligne bancaire, la date d'échéance de la
--                  facture, le mois de la prévision, la date prévue de l'échéance (avant tout
--                  report au mois d'as_of, voir ci-dessous)
--   direction      'encaissement' (entrée d'argent) | 'decaissement' (sortie d'argent)
--   category_code  une catégorie budgétaire de ref.categories, ou 'autres' (un mouvement bancaire
--                  dont la catégorie est introuvable)
--   unit_code      l'unité, quand elle est connue (prévisions, échéances) ; NULL sinon
--   label          ce que c'est (libellé bancaire, numéro de facture, prévision, échéance)
--   partner        qui (partenaire Odoo, financeur)
--   reference      nom de la pièce Odoo, 'subvention n° X', l'unité et la catégorie de la prévision
--   amount         DECIMAL(14,2), toujours positif ; `direction` dit entrée ou sortie
--
-- Règles :
--   * Les mois passés (kind 'reel') ne contiennent que des lignes de relevé bancaire (Odoo
--     account.bank.statement.line, montant > 0 = encaissement). Les lignes bancaires du mois d'as_of
--     y comptent aussi (la trésorerie déjà mouvementée ce mois-ci), à côté de ce qui est encore attendu.
--   * La catégorie d'une ligne bancaire se trouve en suivant le lettrage d'Odoo : d'abord les
--     lignes de contrepartie du relevé lui-même (p. ex. des frais bancaires imputés directement en
--     627) ; sinon les pièces lettrées avec elles — lignes partageant un matching_number (autre que
--     le simple 'P' d'Odoo ≤16), ou reliées par un lettrage partiel (account.partial.reconcile),
--     pour que les paiements partiels comptent en Odoo 15 comme en 17 — ; sinon un cran plus loin
--     (ligne bancaire → paiement → facture). La catégorie d'une pièce est celle de ses lignes
--     catégorisées (ref.category_accounts, préfixe le plus long) au plus gros montant — une
--     catégorie par ligne bancaire, une approximation quand une facture mêle des catégories. Rien
--     trouvé : 'autres' (p. ex. une ligne non lettrée, un solde d'ouverture).
--   * Les mouvements attendus (toutes les origines sauf 'banque') comptent à partir du mois d'as_of :
--     un mouvement daté avant le mois d'as_of (une facture en retard, une échéance en retard) est
--     placé dans le mois d'as_of — par prudence : il est encore attendu, pas perdu.
--   * Éléments ouverts : factures clients et fournisseurs, avoirs et reçus comptabilisés — chaque
--     ligne de créance ou de dette avec amount_residual <> 0 — et chaque ligne 441… comptabilisée
--     (État – subventions et aides à recevoir : Odoo ne lui donne pas de type créance, et elle
--     figure sur des écritures simples) avec amount_residual <> 0 ; à sa date_maturity (sinon la
--     date d'échéance de la facture, sinon la date de la pièce). amount_residual > 0 est à
--     recevoir, < 0 à payer. Catégorie : celle de la pièce, comme ci-dessus.
--   * Factures clients et fournisseurs en brouillon : amount_total à la date d'échéance (sinon date
--     de facture, sinon date) ; factures clients et avoirs fournisseurs sont des encaissements,
--     factures fournisseurs et avoirs clients des décaissements.
--   * Les subventions comptabilisées dans Odoo (marts.odoo_subsidy_moves : pièces comptabilisées
--     avec une ligne 74…, écritures sur 441 comme factures sur 411) sont écartées des éléments
--     ouverts, et les brouillons de la catégorie 'subventions' des brouillons : ce qui est attendu
--     d'une subvention vient de marts.subsidy_instalments_timeline — l'échéancier saisi, sinon le
--     résiduel des créances — qui sinon la compterait deux fois.
--   * Prévisions : pour chaque unité, catégorie et mois à partir du mois d'as_of, le prévisionnel de
--     marts.budget_vs_actual MOINS ce qu'Odoo porte déjà pour cette unité, catégorie et mois (lignes
--     réelles et brouillons de marts.budget_lines de source 'odoo' : leur trésorerie est déjà en
--     banque, dans les factures ouvertes ou dans les brouillons) ; rien quand Odoo porte autant ou
--     plus. Les propositions de rémunération validées ne sont pas déduites (pas encore de facture :
--     la prévision porte encore leur trésorerie). Seulement les catégories ayant des comptes
--     généraux (les catégories internes ne mouvementent pas de trésorerie) et pas 'subventions'
--     (l'échéancier dit quand les subventions sont versées).
--     Une catégorie de recette est un encaissement, une catégorie de dépense un décaissement.
--   * Subventions : chaque ligne attendue de marts.subsidy_instalments_timeline (received_on NULL),
--     un encaissement de la catégorie 'subventions' à expected_on : une échéance saisie, ou (sans
--     échéancier saisi) le résiduel de la créance de la subvention Odoo à sa date d'échéance. Ce qui
--     a été reçu est déjà dans les lignes bancaires.
--   * Les transferts internes (app.internal_transfers) ne mouvementent pas de trésorerie : ils
--     n'apparaissent jamais ici.
--   * Le plan va du premier mois de l'historique bancaire (ou du mois d'as_of s'il n'y en a pas) à
--     12 mois après as_of ; les mouvements attendus plus tard sont écartés.

with settings as (
    select
        as_of,
        date_trunc('month', as_of)::date as as_of_month
    from staging.stg_ref__settings
),

bank_lines as (
    select * from staging.stg_odoo__bank_statement_lines
),

horizon as (
    -- first month: the bank history's first (or the as_of month); last: 12 months after as_of
    select
        least(coalesce((select date_trunc('month', min(line_date)) from bank_lines), as_of_month),
              as_of_month)::date                                     as first_month,
        date_trunc('month', as_of + interval 12 month)::date         as last_month,
        as_of,
        as_of_month
    from settings
),

accounts as (
    select account_id, account_code, account_type from staging.stg_odoo__accounts
),

-- Each general account → its budget category (the longest matching prefix: marts.account_categories).
categorised_accounts as (
    select account_id, category_code from marts.account_categories
),

move_lines as (
    select * from staging.stg_odoo__account_move_lines
),

moves as (
    select * from staging.stg_odoo__account_moves
),

-- The category of each move: its categorised line category with the largest amount.
-- weight: the amount of the move's lines in that category (to choose among several moves).
move_categories as (
    select
        move_lines.move_id,
        categorised_accounts.category_code,
        sum(abs(move_lines.balance)) as weight
    from move_lines
    join categorised_accounts using (account_id)
    join ref.categories as categories using (category_code)
    group by move_lines.move_id, categorised_accounts.category_code, categories.sort
    qualify row_number() over (
        partition by move_lines.move_id
        order by sum(abs(move_lines.balance)) desc, categories.sort, categorised_accounts.category_code
    ) = 1
),

-- Lines that take part in a reconciliation (Odoo ≤16 writes 'P' for every partial one: useless
-- as a key, left out; the partial reconciliations below stand in for it).
matched_lines as (
    select move_line_id, move_id, matching_number
    from move_lines
    where matching_number is not null and matching_number <> 'P'
),

partials as (
    select debit_move_line_id, credit_move_line_id from staging.stg_odoo__partial_reconciles
),

-- Two lines of different moves reconciled with each other: same matching number, or one
-- partial reconciliation between them (both directions).
reconciled_pairs as (
    select mine.move_line_id, other.move_line_id as other_line_id, other.move_id as other_move_id
    from matched_lines as mine
    join matched_lines as other
        on other.matching_number = mine.matching_number and other.move_id <> mine.move_id
    union
    select partials.debit_move_line_id, partials.credit_move_line_id, other.move_id
    from partials
    join move_lines as other on other.move_line_id = partials.credit_move_line_id
    union
    select partials.credit_move_line_id, partials.debit_move_line_id, other.move_id
    from partials
    join move_lines as other on other.move_line_id = partials.debit_move_line_id
),

-- Step 0: the statement move's own lines, except the bank account line itself.
step0 as (
    select bank_lines.statement_line_id, move_lines.move_line_id, move_lines.move_id
    from bank_lines
    join move_lines on move_lines.move_id = bank_lines.move_id
    join accounts on accounts.account_id = move_lines.account_id
    where accounts.account_type is distinct from 'asset_cash'
),

-- Step 1: the moves reconciled with those lines.
step1 as (
    select distinct step0.statement_line_id, pairs.other_move_id as move_id, step0.move_id as from_move_id
    from step0
    join reconciled_pairs as pairs on pairs.move_line_id = step0.move_line_id
    where pairs.other_move_id <> step0.move_id
),

-- Step 2: the moves reconciled with the lines of the step-1 moves (bank → payment → invoice).
step2 as (
    select distinct step1.statement_line_id, pairs.other_move_id as move_id
    from step1
    join move_lines as mine on mine.move_id = step1.move_id
    join reconciled_pairs as pairs on pairs.move_line_id = mine.move_line_id
    where pairs.other_move_id <> step1.move_id
      and pairs.other_move_id <> step1.from_move_id
),

-- The category found at the first step that finds one (largest amount among the moves reached).
bank_line_categories as (
    select statement_line_id, category_code
    from (
        select step, statement_line_id, category_code, sum(weight) as weight
        from (
            select 0 as step, step0.statement_line_id, categorised_accounts.category_code,
                   abs(move_lines.balance) as weight
            from step0
            join move_lines using (move_line_id)
            join categorised_accounts on categorised_accounts.account_id = move_lines.account_id
            union all
            select 1, step1.statement_line_id, move_categories.category_code, move_categories.weight
            from step1
            join move_categories using (move_id)
            union all
            select 2, step2.statement_line_id, move_categories.category_code, move_categories.weight
            from step2
            join move_categories using (move_id)
        )
        group by step, statement_line_id, category_code
    )
    qualify row_number() over (
        partition by statement_line_id order by step, weight desc, category_code
    ) = 1
),

-- Real: every bank statement line
from_bank as (
    select
        'banque:' || bank_lines.statement_line_id                   as line_key,
        'banque'                                                     as source,
        bank_lines.line_date                                         as expected_on,
        bank_lines.amount                                            as cash_amount,
        coalesce(bank_line_categories.category_code, 'autres')       as category_code,
        null::varchar                                                as unit_code,
        bank_lines.payment_ref                                       as label,
        bank_lines.partner_name                                      as partner,
        moves.move_name                                              as reference
    from bank_lines
    left join bank_line_categories using (statement_line_id)
    left join moves on moves.move_id = bank_lines.move_id
),

invoice_types as (
    select * from (values
        ('out_invoice',  1), ('out_receipt', 1), ('in_refund',  1),   -- money in
        ('in_invoice',  -1), ('in_receipt', -1), ('out_refund', -1)   -- money out
    ) as t(move_type, cash_sign)
),

-- Expected: what is left to receive or pay on posted invoices and bills
from_open_invoices as (
    select
        'facture:' || move_lines.move_line_id                        as line_key,
        'facture_ouverte'                                            as source,
        coalesce(move_lines.date_maturity, moves.invoice_date_due, moves.move_date) as expected_on,
        move_lines.amount_residual                                   as cash_amount,
        coalesce(move_categories.category_code, 'autres')            as category_code,
        null::varchar                                                as unit_code,
        coalesce(moves.move_ref, move_lines.line_name, moves.move_name) as label,
        coalesce(moves.partner_name, move_lines.partner_name)        as partner,
        moves.move_name                                              as reference
    from move_lines
    join moves using (move_id)
    left join invoice_types using (move_type)
    join accounts on accounts.account_id = move_lines.account_id
    left join move_categories using (move_id)
    where moves.state = 'posted'
      and ((invoice_types.move_type is not null
            and accounts.account_type in ('asset_receivable', 'liability_payable'))
           or starts_with(accounts.account_code, '441'))
      and move_lines.amount_residual <> 0
      and move_lines.move_id not in (select subsidy_move_id from marts.odoo_subsidy_moves)
),

-- Expected: draft invoices and bills
from_drafts as (
    select
        'brouillon:' || moves.move_id                                as line_key,
        'brouillon'                                                  as source,
        coalesce(moves.invoice_date_due, moves.invoice_date, moves.move_date) as expected_on,
        moves.amount_total * invoice_types.cash_sign                 as cash_amount,
        coalesce(move_categories.category_code, 'autres')            as category_code,
        null::varchar                                                as unit_code,
        coalesce(moves.move_ref, 'brouillon n° ' || moves.move_id)   as label,
        moves.partner_name                                           as partner,
        coalesce(nullif(moves.move_name, '/'), 'brouillon n° ' || moves.move_id) as reference
    from moves
    join invoice_types using (move_type)
    left join move_categories using (move_id)
    where moves.state = 'draft'
      and moves.amount_total <> 0
      and move_categories.category_code is distinct from 'subventions'
),

-- Expected: the part of each forecast month not booked in Odoo yet
booked_in_odoo as (
    select unit_code, category_code, month, sum(amount) as booked
    from marts.budget_lines
    where source = 'odoo' and counts_as in ('reel', 'engage')
    group by unit_code, category_code, month
),

forecast_remainders as (
    select
        forecasts.unit_code,
        forecasts.category_code,
        forecasts.month,
        categories.direction,
        categories.label                                             as category_label,
        forecasts.previsionnel - coalesce(booked_in_odoo.booked, 0)  as remainder
    from marts.budget_vs_actual as forecasts
    join ref.categories as categories using (category_code)
    left join booked_in_odoo using (unit_code, category_code, month)
    cross join settings
    where forecasts.month >= settings.as_of_month
      and forecasts.previsionnel > 0
      and forecasts.category_code <> 'subventions'
      -- internal categories (no general account) move no cash
      and forecasts.category_code in (select category_code from ref.category_accounts)
),

from_forecasts as (
    select
        'prevision:' || unit_code || ':' || category_code || ':' || strftime(month, '%Y-%m') as line_key,
        'prevision'                                                  as source,
        month                                                        as expected_on,
        case direction when 'recette' then remainder else -remainder end as cash_amount,
        category_code,
        unit_code,
        'Prévisionnel ' || category_label || ' non encore facturé'   as label,
        null::varchar                                                as partner,
        'prévisionnel ' || unit_code || ' / ' || category_code       as reference
    from forecast_remainders
    where remainder > 0
),

-- Expected: what subsidies are still awaited for (typed échéancier, else the books' residual)
from_instalments as (
    select
        'subvention:' || timeline.instalment_id                      as line_key,
        'echeance_subvention'                                        as source,
        timeline.expected_on,
        timeline.amount                                              as cash_amount,
        'subventions'                                                as category_code,
        timeline.unit_code,
        timeline.kind || ' ' || timeline.funder
            || coalesce(' – ' || nullif(timeline.scheme, ''), '')   as label,
        timeline.funder                                              as partner,
        coalesce(subsidies.odoo_move_name, 'subvention n° ' || timeline.subsidy_id) as reference
    from marts.subsidy_instalments_timeline as timeline
    join marts.subsidy_list as subsidies using (subsidy_key)
    where timeline.received_on is null
),

expected as (
    select * from from_open_invoices
    union all
    select * from from_drafts
    union all
    select * from from_forecasts
    union all
    select * from from_instalments
),

all_lines as (
    -- real: in the month of the bank line
    select from_bank.*, date_trunc('month', expected_on)::date as month
    from from_bank

    union all

    -- expected: never before the as_of month
    select expected.*, greatest(date_trunc('month', expected.expected_on)::date, settings.as_of_month) as month
    from expected
    cross join settings
)

select
    all_lines.line_key,
    all_lines.source,
    all_lines.month,
    case when all_lines.month < horizon.as_of_month then 'reel' else 'previsionnel' end as kind,
    all_lines.expected_on,
    case when all_lines.cash_amount > 0 then 'encaissement' else 'decaissement' end  as direction,
    all_lines.category_code,
    all_lines.unit_code,
    all_lines.label,
    all_lines.partner,
    all_lines.reference,
    abs(all_lines.cash_amount)::decimal(14, 2)                                       as amount
from all_lines
cross join horizon
where all_lines.cash_amount <> 0
  and all_lines.month between horizon.first_month and horizon.last_month
order by all_lines.month, all_lines.source, all_lines.line_key
