-- ledger_pnl — le compte de résultat de la comptabilité mois par mois : la balance des classes 6
-- (charges) et 7 (produits), d'après les lignes d'écritures comptabilisées d'Odoo, quels que soient
-- leurs comptes analytiques.
--
-- Grain: une ligne par (mois, compte général de classe 6 ou 7) ayant des lignes comptabilisées.
-- Columns:
--   month          premier jour du mois des lignes (leur date comptable)
--   account_code, account_name   numéro et intitulé du compte
--   account_class  '6' | '7'
--   debit, credit  sommes des lignes comptabilisées (ce que la balance d'Odoo montre pour le mois)
--   balance        debit − credit
--   amount         dans le sens du compte : balance pour une charge, −balance pour un produit (une
--                  charge de 100 € vaut +100, un produit de 100 € +100 ; remboursements négatifs)
-- Les brouillons et pièces annulées ne sont pas en comptabilité ; la balance d'Odoo sur la même
-- période, écritures comptabilisées seulement, donne les mêmes débit et crédit par compte.
select
    date_trunc('month', lines.line_date)::date as month,
    accounts.account_code,
    accounts.account_name,
    left(accounts.account_code, 1)             as account_class,
    sum(lines.debit)::decimal(14, 2)           as debit,
    sum(lines.credit)::decimal(14, 2)          as credit,
    sum(lines.balance)::decimal(14, 2)         as balance,
    (case left(accounts.account_code, 1) when '6' then 1 else -1 end
        * sum(lines.balance))::decimal(14, 2)  as amount
from staging.stg_odoo__account_move_lines as lines
join staging.stg_odoo__accounts as accounts
    on accounts.account_id = lines.account_id
where lines.parent_state = 'posted'
  and left(accounts.account_code, 1) in ('6', '7')
group by 1, 2, 3, 4
order by month, account_code
