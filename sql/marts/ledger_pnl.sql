-- ledger_pnl — the books' compte de résultat month by month: the trial balance of classes 6
-- (charges) and 7 (produits), from Odoo's posted journal items, whatever their analytic accounts.
--
-- Grain: one row per (month, general account of class 6 or 7) with posted items.
-- Columns:
--   month          first day of the items' month (their accounting date)
--   account_code, account_name
--   account_class  '6' | '7'
--   debit, credit  sums of the posted items (what Odoo's trial balance shows for the month)
--   balance        debit − credit
--   amount         in the account's sense: balance for a charge, −balance for a produit (a
--                  charge of 100 € is +100, a produit of 100 € is +100; refunds negative)
-- Drafts and cancelled moves are not in the books; Odoo's balance report of the same period,
-- posted entries only, gives the same debit and credit per account.
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
