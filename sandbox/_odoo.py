"""Render the neutral books as Odoo `search_read` returns them, in the Odoo 15 or 17 shape.

Wire conventions (docs/sources/odoo.md §1.5): many2one `[id, "display name"]`, empty `false`,
dates "YYYY-MM-DD", datetimes "YYYY-MM-DD HH:MM:SS" UTC, monetary values as JSON numbers.
Version differences (§2): analytic groups (15) vs plans (17); `analytic_account_id` +
`analytic_tag_ids` (15) vs `analytic_distribution` (17); analytic line `move_id` (15) vs
`move_line_id` + `x_plan<N>_id` (17); `user_type_id`/`internal_type` (15) vs `account_type` (17).
"""

from __future__ import annotations

from datetime import date, datetime

from sandbox._books import AnalyticAccount, Books, Line, Move
from sandbox._chart import ACCOUNT_KIND, ACCOUNTS, JOURNAL_BY_CODE, JOURNALS, KINDS
from sandbox._common import odoo_datetime

COMPANY = [1, "La Raffinerie"]
EUR = [1, "EUR"]
ACCOUNT_ID = {code: index + 1 for index, (code, _, _) in enumerate(ACCOUNTS)}
ACCOUNT_NAME = {code: name for code, name, _ in ACCOUNTS}
CATEGORY = {"out_invoice": "invoice", "out_refund": "invoice", "in_invoice": "vendor_bill", "in_refund": "vendor_bill"}
JOURNAL_M2O = {code: (jid, f"{name} (EUR)") for code, (jid, name) in JOURNAL_BY_CODE.items()}
MASTER_DATA_WRITTEN = datetime(2023, 12, 1, 6, 0)  # naive UTC, when the chart was set up


def render(books: Books, version: str) -> dict[str, list[dict]]:
    """Every Odoo resource of the warehouse, as the given major version ("15" or "17") returns it."""
    return _Renderer(books, version).all()


def account_m2o(code: str) -> list:
    return [ACCOUNT_ID[code], f"{code} {ACCOUNT_NAME[code]}"]


def _day(value: date | None):
    return value.isoformat() if value else False


def _num(value) -> float:
    return float(value)


class _Renderer:
    def __init__(self, books: Books, version: str) -> None:
        if version not in ("15", "17"):
            raise ValueError(f"Version d'Odoo non simulée : {version}")
        self.books, self.v15 = books, version == "15"
        self.partners = {p.id: p for p in books.partners}
        self.analytic = {a.id: a for a in books.analytic_accounts}
        self.plans = {pid: (name, parent) for pid, name, parent in books.plans}
        self.funder_plan = next((a.plan_id for a in books.analytic_accounts if a.only_17), None)
        self.tree_root = self.root_plan(books.plans[0][0]) if books.plans else None
        self.tags_15 = tag_distributions(books, self.analytic) if self.v15 else {}

    def all(self) -> dict[str, list[dict]]:
        grouping = "account_analytic_group" if self.v15 else "account_analytic_plan"
        return {
            "res_company": [
                {
                    "id": 1,
                    "name": COMPANY[1],
                    "currency_id": EUR,
                    "write_date": odoo_datetime_naive(MASTER_DATA_WRITTEN),
                }
            ],
            "res_partner": [self.partner(p) for p in self.books.partners],
            "account_account": [self.account(code, name, kind) for code, name, kind in ACCOUNTS],
            "account_journal": [self.journal(*j) for j in JOURNALS],
            grouping: [self.plan(pid) for pid in self.plans if self.v15 is False or pid != self.funder_plan],
            "account_analytic_account": [
                self.analytic_account(a) for a in self.books.analytic_accounts if not (self.v15 and a.only_17)
            ],
            "account_analytic_line": [self.analytic_line(al) for al in self.books.analytic_lines]
            + (self.support_analytic_lines() if self.v15 else []),
            "account_move": [self.move(m) for m in self.books.moves],
            "account_move_line": [self.move_line(l) for m in self.books.moves for l in m.lines],
            "account_bank_statement_line": [self.statement_line(s) for s in self.books.statement_lines],
            "account_payment": [self.payment(p) for p in self.books.payments],
            "account_partial_reconcile": self.partial_reconciles(),
        } | (self.tag_records() if self.v15 else {})

    # -- many2one helpers ----------------------------------------------------------------------

    def partner_m2o(self, partner_id: int | None):
        return [partner_id, self.partners[partner_id].name] if partner_id else False

    def analytic_m2o(self, account_id: int | None):
        if not account_id:
            return False
        account = self.analytic[account_id]
        return [account.id, f"[{account.code}] {account.name}"]

    def plan_m2o(self, plan_id: int | None):
        return [plan_id, self.complete_name(plan_id)] if plan_id else False

    def complete_name(self, plan_id: int) -> str:
        name, parent = self.plans[plan_id]
        return f"{self.complete_name(parent)} / {name}" if parent else name

    def root_plan(self, plan_id: int) -> int:
        parent = self.plans[plan_id][1]
        return self.root_plan(parent) if parent else plan_id

    @staticmethod
    def journal_m2o(code: str) -> list:
        return list(JOURNAL_M2O[code])

    @staticmethod
    def move_m2o(move: Move) -> list:
        return [move.id, move.name if move.state == "posted" else f"Brouillon ({move.id})"]

    # -- records -------------------------------------------------------------------------------

    def partner(self, p) -> dict:
        return {
            "id": p.id,
            "name": p.name,
            "display_name": p.name,
            "email": p.email or False,
            "phone": p.phone or False,
            "is_company": p.is_company,
            "company_type": "company" if p.is_company else "person",
            "customer_rank": int(p.customer),
            "supplier_rank": int(p.supplier),
            "active": True,
            "company_id": False,
            "write_date": odoo_datetime(p.created),
        }

    def account(self, code: str, name: str, kind: str) -> dict:
        (type_id, type_name, internal_type, internal_group), account_type = KINDS[kind]
        record = {
            "id": ACCOUNT_ID[code],
            "code": code,
            "name": name,
            "reconcile": kind in ("receivable", "payable", "current_asset"),
            "currency_id": False,
            "deprecated": False,
            "company_id": COMPANY,
            "internal_group": internal_group,
            "write_date": odoo_datetime_naive(MASTER_DATA_WRITTEN),
        }
        if self.v15:
            record |= {"user_type_id": [type_id, type_name], "internal_type": internal_type}
        else:
            record["account_type"] = account_type
        return record

    def journal(self, jid, name, code, type_, default) -> dict:
        return {
            "id": jid,
            "name": name,
            "code": code,
            "type": type_,
            "default_account_id": account_m2o(default) if default else False,
            "currency_id": False,
            "company_id": COMPANY,
            "active": True,
            "write_date": odoo_datetime_naive(MASTER_DATA_WRITTEN),
        }

    def plan(self, plan_id: int) -> dict:
        name, parent = self.plans[plan_id]
        record = {
            "id": plan_id,
            "name": name,
            "parent_id": self.plan_m2o(parent),
            "complete_name": self.complete_name(plan_id),
            "write_date": odoo_datetime_naive(MASTER_DATA_WRITTEN),
        }
        if self.v15:
            record["company_id"] = COMPANY
        else:
            record["sequence"] = 10 if plan_id != self.funder_plan else 20
        return record

    def analytic_account(self, a: AnalyticAccount) -> dict:
        record = {
            "id": a.id,
            "name": a.name,
            "code": a.code,
            "active": True,
            "partner_id": self.partner_m2o(a.partner_id),
            "company_id": COMPANY,
            "write_date": odoo_datetime(a.created),
        }
        if self.v15:
            record["group_id"] = self.plan_m2o(a.plan_id)
        else:
            record |= {"plan_id": self.plan_m2o(a.plan_id), "root_plan_id": self.plan_m2o(self.root_plan(a.plan_id))}
        return record

    def analytic_line(self, al) -> dict:
        line, move = al.line, al.line.move
        account = self.analytic[al.account_id]
        record = {
            "id": al.id,
            "date": move.date.isoformat(),
            "name": line.label or move.ref,
            "ref": move.ref or False,
            "amount": _num(al.amount),
            "unit_amount": 1.0 if move.move_type != "entry" else 0.0,
            "account_id": self.analytic_m2o(al.account_id),
            "general_account_id": account_m2o(line.account),
            "partner_id": self.partner_m2o(line.partner_id),
            "product_id": False,
            "company_id": COMPANY,
            "currency_id": EUR,
            "product_uom_id": False,
            "user_id": False,
            "category": CATEGORY.get(move.move_type, "other"),
            "write_date": odoo_datetime(move.touched),
        }
        if self.v15:
            record |= {
                "move_id": [line.id, f"{move.name} {line.label}".strip()],
                "group_id": self.plan_m2o(account.plan_id),
                "tag_ids": [al.tag_id] if al.tag_id else [],
            }
        else:
            record |= {
                "move_line_id": [line.id, f"{move.name} {line.label}".strip()],
                "journal_id": self.journal_m2o(move.journal),
            } | self.plan_columns(al)
        return record

    # -- several plans (sandbox/_ledger.py) ------------------------------------------------------

    def plan_columns(self, al) -> dict:
        """17: the tree plan's account in account_id, each other root plan's in x_plan<root>_id
        (every column present, `false` when the line has no account in that plan)."""
        roots = sorted({self.root_plan(p) for p, _, _ in self.books.plans} - {self.tree_root})
        columns = {"account_id": False} | {f"x_plan{root}_id": False for root in roots}
        for account_id in (al.account_id, al.funder_account_id):
            if account_id:
                root = self.root_plan(self.analytic[account_id].plan_id)
                columns["account_id" if root == self.tree_root else f"x_plan{root}_id"] = self.analytic_m2o(account_id)
        return columns

    def second_plan_account(self, accounts: tuple[int, ...]) -> int | None:
        """The account of another plan joined to a line's account, when Odoo 15 has it (not a 17-only funder)."""
        return next((a for a in accounts[1:] if not self.analytic[a].only_17), None)

    def tags_of_line(self, l: Line) -> list[int]:
        """15: the analytic tags that carry a line's distribution beyond its analytic account."""
        if len(l.distribution) > 1:
            return [self.tags_15[("split", l.distribution)][0]]
        if l.distribution and (second := self.second_plan_account(l.distribution[0][0])):
            return [self.tags_15[("account", second)][0]]
        return []

    def tag_records(self) -> dict[str, list[dict]]:
        """15: account.analytic.tag and account.analytic.distribution for the tags in use."""
        written = odoo_datetime_naive(MASTER_DATA_WRITTEN)
        tags, distributions = [], []
        for (kind, key), (tag_id, spread) in sorted(self.tags_15.items(), key=lambda item: item[1][0]):
            name = (f"Répartition {tag_id}" if kind == "split" else self.analytic[key].name)
            ids = [tag_id * 100 + k for k in range(len(spread))]
            tags.append({"id": tag_id, "name": name, "active": True, "active_analytic_distribution": True,
                         "analytic_distribution_ids": ids, "company_id": COMPANY, "write_date": written})
            distributions += [
                {"id": dist_id, "account_id": self.analytic_m2o(account_id), "percentage": pct,
                 "tag_id": [tag_id, name], "write_date": written}
                for dist_id, (account_id, pct) in zip(ids, spread.items())]
        return {"account_analytic_tag": tags, "account_analytic_distribution": distributions}

    def support_analytic_lines(self) -> list[dict]:
        """15: the analytic line Odoo makes for each tag distribution line on a second-plan account
        (17 puts that account on the same analytic line, in its x_plan<N>_id column)."""
        next_id = max((al.id for al in self.books.analytic_lines), default=0)
        records = []
        for al in self.books.analytic_lines:
            second = al.funder_account_id and not self.analytic[al.funder_account_id].only_17
            if not second:
                continue
            next_id += 1
            record = self.analytic_line(al) | {"id": next_id, "account_id": self.analytic_m2o(al.funder_account_id),
                                               "group_id": self.plan_m2o(self.analytic[al.funder_account_id].plan_id),
                                               "tag_ids": self.tags_of_line(al.line)}
            records.append(record)
        return records

    def move(self, m: Move) -> dict:
        total = sum(l.balance for l in m.lines if l.balance > 0)
        residual = sum(abs(l.residual) for l in m.lines if ACCOUNT_KIND[l.account] in ("receivable", "payable"))
        sign = -1 if m.move_type in ("in_invoice", "out_refund") else 1
        return {
            "id": m.id,
            "name": m.name,
            "ref": m.ref or False,
            "move_type": m.move_type,
            "state": m.state,
            "payment_state": m.payment_state,
            "date": m.date.isoformat(),
            "invoice_date": _day(m.invoice_date),
            "invoice_date_due": _day(m.invoice_date_due),
            "partner_id": self.partner_m2o(m.partner_id),
            "journal_id": self.journal_m2o(m.journal),
            "company_id": COMPANY,
            "currency_id": EUR,
            "amount_untaxed": _num(total),
            "amount_tax": 0.0,
            "amount_total": _num(total),
            "amount_residual": _num(residual),
            "amount_total_signed": _num(sign * total),
            "amount_residual_signed": _num(sign * residual),
            "payment_reference": (m.name if m.move_type == "out_invoice" and m.state == "posted" else False),
            "payment_id": [m.payment_id, m.name] if m.payment_id else False,
            "write_date": odoo_datetime(m.touched),
        }

    def partial_reconciles(self) -> list[dict]:
        """account.partial.reconcile, the same in 15 and 17: within each full reconciliation, the debit
        lines settled by the credit lines in order (greedy); then the partial ones not full yet."""
        groups: dict[int, list[Line]] = {}
        for m in self.books.moves:
            for l in m.lines:
                if l.full_reconcile is not None:
                    groups.setdefault(l.full_reconcile, []).append(l)
        pairs: list[tuple[Line, Line, object, int | None]] = []
        for number, lines in sorted(groups.items()):
            debits = [[l, l.balance] for l in lines if l.balance > 0]
            credits = [[l, -l.balance] for l in lines if l.balance < 0]
            while debits and credits:
                amount = min(debits[0][1], credits[0][1])
                pairs.append((debits[0][0], credits[0][0], amount, number))
                debits[0][1] -= amount
                credits[0][1] -= amount
                if debits[0][1] == 0:
                    debits.pop(0)
                if credits[0][1] == 0:
                    credits.pop(0)
        pairs += [(debit, credit, amount, None) for debit, credit, amount in self.books.partial_links]
        rows = []
        for debit, credit, amount, number in pairs:
            rows.append({
                "id": len(rows) + 1,
                "debit_move_id": [debit.id, debit.move.name],
                "credit_move_id": [credit.id, credit.move.name],
                "amount": _num(amount),
                "debit_amount_currency": _num(amount),
                "credit_amount_currency": _num(amount),
                "full_reconcile_id": [number, f"A{number}"] if number else False,
                "max_date": max(debit.move.date, credit.move.date).isoformat(),
                "company_id": COMPANY,
                "write_date": odoo_datetime(max(debit.move.touched, credit.move.touched)),
            })
        return rows

    def partial_matching(self, l: Line) -> str | bool:
        """The matching number of a line only partially reconciled: 'P' up to 16, 'P<n>' from 17
        (n: the partial reconciliation's id, as partial_reconciles numbers them)."""
        if not hasattr(self, "_partial_numbers"):
            full = sum(1 for r in self.partial_reconciles() if r["full_reconcile_id"])
            self._partial_numbers = {}
            for index, (debit, credit, _) in enumerate(self.books.partial_links):
                for line in (debit, credit):
                    self._partial_numbers.setdefault(line.id, full + index + 1)
        number = self._partial_numbers.get(l.id)
        if number is None:
            return False
        return "P" if self.v15 else f"P{number}"

    def move_line(self, l: Line) -> dict:
        m = l.move
        kind = ACCOUNT_KIND[l.account]
        record = {
            "id": l.id,
            "move_id": self.move_m2o(m),
            "move_name": m.name,
            "date": m.date.isoformat(),
            "date_maturity": _day(l.date_maturity),
            "account_id": account_m2o(l.account),
            "partner_id": self.partner_m2o(l.partner_id),
            "journal_id": self.journal_m2o(m.journal),
            "company_id": COMPANY,
            "name": l.label or False,
            "ref": m.ref or False,
            "debit": _num(max(l.balance, 0)),
            "credit": _num(max(-l.balance, 0)),
            "balance": _num(l.balance),
            "amount_currency": _num(l.balance),
            "currency_id": EUR,
            "amount_residual": _num(l.residual),
            "reconciled": l.reconcilable and l.residual == 0 and l.full_reconcile is not None,
            "full_reconcile_id": [l.full_reconcile, f"A{l.full_reconcile}"] if l.full_reconcile else False,
            "matching_number": f"A{l.full_reconcile}" if l.full_reconcile else self.partial_matching(l),
            "parent_state": m.state,
            "product_id": False,
            "quantity": 1.0 if m.move_type != "entry" else 0.0,
            "write_date": odoo_datetime(m.touched),
        }
        if self.v15:
            single = len(l.distribution) == 1
            record |= {
                "display_type": False,
                "analytic_account_id": self.analytic_m2o(l.distribution[0][0][0]) if single else False,
                # A split went through an analytic tag with a distribution (≤15); its id only.
                "analytic_tag_ids": self.tags_of_line(l),
            }
        else:
            record |= {
                "display_type": "payment_term" if kind in ("receivable", "payable") else "product",
                "analytic_distribution": (
                    {",".join(str(a) for a in accounts): pct for accounts, pct in l.distribution}
                    if l.distribution
                    else False
                ),
            }
        return record

    def statement_line(self, s) -> dict:
        m = s.move
        return {
            "id": s.id,
            "date": m.date.isoformat(),
            "payment_ref": s.payment_ref,
            "partner_id": self.partner_m2o(s.partner_id),
            "amount": _num(s.amount),
            "currency_id": EUR,
            "journal_id": self.journal_m2o("BNK1"),
            "statement_id": [m.date.year * 100 + m.date.month, f"Relevé {m.date:%Y-%m}"],
            "move_id": self.move_m2o(m),
            "is_reconciled": True,
            "amount_residual": 0.0,
            "write_date": odoo_datetime(m.touched),
        }

    def payment(self, p) -> dict:
        m = p.move
        return {
            "id": p.id,
            "name": m.name,
            "date": m.date.isoformat(),
            "amount": _num(p.amount),
            "payment_type": p.payment_type,
            "partner_type": p.partner_type,
            "partner_id": self.partner_m2o(p.partner_id),
            "journal_id": self.journal_m2o("BNK1"),
            "state": "posted",
            "currency_id": EUR,
            "is_reconciled": True,
            "is_matched": True,
            "move_id": self.move_m2o(m),
            "destination_account_id": account_m2o(p.destination_account),
            "ref": p.memo,
            "write_date": odoo_datetime(m.touched),
        }


def odoo_datetime_naive(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def tag_distributions(books: Books, analytic: dict) -> dict[tuple, tuple[int, dict[int, float]]]:
    """15's analytic tags: one per split distribution (its accounts at their percentages, a
    second-plan account at the sum of the shares it is joined to) and one per second-plan account
    joined to a single account (that account at 100 %). 17-only funder accounts are left out.
    {("split", distribution) | ("account", account id): (tag id, {account id: pct})}"""
    tags: dict[tuple, tuple[int, dict[int, float]]] = {}
    for distribution, tag_id in sorted(books.split_tags.items(), key=lambda item: item[1]):
        spread: dict[int, float] = {}
        for accounts, pct in distribution:
            for account in accounts:
                if not analytic[account].only_17:
                    spread[account] = spread.get(account, 0.0) + pct
        tags[("split", distribution)] = (tag_id, spread)
    next_id = max((tag_id for tag_id, _ in tags.values()), default=0)
    drafts = [l for m in books.moves for l in m.lines if len(l.distribution) > 1 and l.distribution not in books.split_tags]
    for l in drafts:  # a draft's split has no analytic line yet, hence no tag from close()
        if ("split", l.distribution) not in tags:
            next_id += 1
            spread = {}
            for accounts, pct in l.distribution:
                for account in accounts:
                    if not analytic[account].only_17:
                        spread[account] = spread.get(account, 0.0) + pct
            tags[("split", l.distribution)] = (next_id, spread)
    for m in books.moves:
        for l in m.lines:
            if len(l.distribution) == 1:
                for account in l.distribution[0][0][1:]:
                    if not analytic[account].only_17 and ("account", account) not in tags:
                        next_id += 1
                        tags[("account", account)] = (next_id, {account: 100.0})
    return tags

