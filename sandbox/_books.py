"""The sandbox's accounting, kept once in a version-neutral form, then rendered per Odoo version.

Business generators book invoices, misc entries and payments here; `close()` then names the
moves, settles the payment states and derives the analytic lines (posted moves only, amount =
-balance × pct / 100). The same ids therefore appear in the Odoo-15 and Odoo-17 renderings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from sandbox._chart import ACCOUNT_KIND, BANK, MOVE_JOURNAL, OUTSTANDING, RECONCILABLE
from sandbox._common import ZERO, IdSequence, local_dt, money

# A distribution: ((project-plan account id[, Financeurs account id]), percentage) pairs.
Distribution = tuple[tuple[tuple[int, ...], float], ...]


@dataclass
class Partner:
    id: int
    name: str
    email: str | None
    phone: str | None
    is_company: bool
    created: datetime
    customer: bool = False
    supplier: bool = False


@dataclass
class AnalyticAccount:
    id: int
    code: str
    name: str
    plan_id: int
    partner_id: int | None
    created: datetime
    only_17: bool = False  # Financeurs accounts exist since the move to multi-plan analytics


@dataclass
class Line:
    id: int
    move: Move = field(repr=False, compare=False)
    account: str
    balance: Decimal
    label: str
    partner_id: int | None
    distribution: Distribution = ()
    date_maturity: date | None = None
    residual: Decimal = ZERO
    full_reconcile: int | None = None

    @property
    def reconcilable(self) -> bool:
        return ACCOUNT_KIND[self.account] in RECONCILABLE


@dataclass
class Move:
    id: int
    move_type: str
    journal: str
    date: date
    partner_id: int | None
    ref: str
    state: str
    touched: datetime
    invoice_date: date | None = None
    invoice_date_due: date | None = None
    lines: list[Line] = field(default_factory=list)
    name: str = "/"
    payment_id: int | None = None
    statement_line_id: int | None = None
    payment_state: str = "not_paid"


@dataclass
class Payment:
    id: int
    move: Move
    amount: Decimal
    payment_type: str  # inbound | outbound
    partner_type: str  # customer | supplier
    partner_id: int | None
    memo: str
    destination_account: str


@dataclass
class StatementLine:
    id: int
    move: Move
    amount: Decimal
    payment_ref: str
    partner_id: int | None


@dataclass
class AnalyticLine:
    id: int
    line: Line
    account_id: int
    funder_account_id: int | None
    amount: Decimal
    tag_id: int | None  # ≤15: the analytic tag that carried a split distribution


class Books:
    """One company's books: partners, analytic accounts, moves, payments, bank statement lines."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.partners: list[Partner] = []
        self.analytic_accounts: list[AnalyticAccount] = []
        self.plans: list[tuple[int, str, int | None]] = []  # id, name, parent id
        self.moves: list[Move] = []
        self.payments: list[Payment] = []
        self.statement_lines: list[StatementLine] = []
        self.analytic_lines: list[AnalyticLine] = []
        self.split_tags: dict[Distribution, int] = {}
        # partial reconciliations not (yet) part of a full one: (debit line, credit line, amount)
        self.partial_links: list[tuple[Line, Line, Decimal]] = []
        self._ids = {
            name: IdSequence()
            for name in ("partner", "analytic", "move", "line", "payment", "statement", "reconcile", "aline")
        }
        self._partner_by_key: dict[str, Partner] = {}
        self.account_by_code: dict[str, AnalyticAccount] = {}

    # -- master data ---------------------------------------------------------------------------

    def partner(
        self,
        name: str,
        *,
        email: str | None = None,
        phone: str | None = None,
        is_company: bool = True,
        customer: bool = False,
        supplier: bool = False,
    ) -> int:
        """The partner's id, created on first mention (people are known by e-mail)."""
        key = email or name
        found = self._partner_by_key.get(key)
        if found is None:
            found = Partner(
                self._ids["partner"](),
                name,
                email,
                phone,
                is_company,
                local_dt(date(2023, 12, 1), 9) + timedelta(minutes=len(self.partners)),
            )
            self._partner_by_key[key] = found
            self.partners.append(found)
        found.customer |= customer
        found.supplier |= supplier
        return found.id

    def partner_name(self, partner_id: int) -> str:
        return self.partners[partner_id - 1].name  # ids are given in creation order

    def plan(self, name: str, parent: int | None = None) -> int:
        plan_id = len(self.plans) + 1
        self.plans.append((plan_id, name, parent))
        return plan_id

    def analytic_account(
        self, code: str, name: str, plan_id: int, *, partner_id: int | None = None, only_17: bool = False
    ) -> int:
        account = AnalyticAccount(
            self._ids["analytic"](), code, name, plan_id, partner_id, local_dt(date(2023, 12, 1), 10), only_17
        )
        self.analytic_accounts.append(account)
        self.account_by_code[code] = account
        return account.id

    def to(self, code: str, funder: int | None = None) -> Distribution:
        """All of a line on one unit's analytic account (optionally with a Financeurs account)."""
        account = self.account_by_code[code].id
        return (((account, funder) if funder else (account,), 100.0),)

    def split(self, shares: dict[str, float]) -> Distribution:
        """A line shared between units, e.g. {"101": 60.0, "201": 40.0}."""
        return tuple(((self.account_by_code[code].id,), pct) for code, pct in shares.items())

    # -- entries -------------------------------------------------------------------------------

    def invoice(
        self,
        move_type: str,
        partner_id: int,
        day: date,
        items: list[tuple[str, Decimal, str, Distribution]],
        *,
        due: date | None = None,
        ref: str = "",
        state: str = "posted",
    ) -> Move:
        """A customer invoice (out_invoice) or vendor bill (in_invoice): product lines + one term line."""
        sign = -1 if move_type == "out_invoice" else 1  # income is a credit, expense a debit
        move = self._move(move_type, MOVE_JOURNAL[move_type], day, partner_id, ref, state)
        move.invoice_date, move.invoice_date_due = day, due or day + timedelta(days=30)
        for account, amount, label, distribution in items:
            self._line(move, account, sign * amount, label, partner_id, distribution)
        total = sum((amount for _, amount, _, _ in items), ZERO)
        term = "411000" if move_type == "out_invoice" else "401000"
        self._line(move, term, -sign * total, ref or "", partner_id, date_maturity=move.invoice_date_due)
        return move

    def entry(
        self,
        day: date,
        partner_id: int | None,
        ref: str,
        lines: list[tuple[str, Decimal, str, Distribution, date | None]],
        *,
        journal: str = "OD",
    ) -> Move:
        """A misc entry; each line is (account, balance, label, distribution, date_maturity)."""
        move = self._move("entry", journal, day, partner_id, ref, "posted")
        for account, balance, label, distribution, maturity in lines:
            self._line(move, account, balance, label, partner_id, distribution, maturity)
        assert sum((l.balance for l in move.lines), ZERO) == 0, ref
        return move

    def settle(self, lines: list[Line], day: date, memo: str) -> Payment:
        """Pay or collect open term lines: a payment (→ outstanding account) and its bank line."""
        total = sum((l.residual for l in lines), ZERO)
        inbound = total > 0
        direction = "inbound" if inbound else "outbound"
        partner_id = lines[0].partner_id
        move = self._move("entry", "BNK1", day, partner_id, memo, "posted")
        outstanding = self._line(move, OUTSTANDING[direction], total, memo, partner_id)
        for line in lines:
            counter = self._line(move, line.account, -line.residual, memo, partner_id)
            self._reconcile([line, counter], day)
        payment = Payment(
            self._ids["payment"](),
            move,
            abs(total),
            direction,
            "customer" if inbound else "supplier",
            partner_id,
            memo,
            lines[0].account,
        )
        move.payment_id = payment.id
        self.payments.append(payment)
        statement = self.bank_line(day, total, OUTSTANDING[direction], memo, partner_id)
        self._reconcile([outstanding, statement.move.lines[1]], day)
        return payment

    def bank_line(
        self,
        day: date,
        amount: Decimal,
        counterpart: str,
        label: str,
        partner_id: int | None = None,
        distribution: Distribution = (),
    ) -> StatementLine:
        """A bank statement line (Qonto import) and its move: the bank account against `counterpart`."""
        move = self._move("entry", "BNK1", day, partner_id, label, "posted")
        self._line(move, BANK, amount, label, partner_id)
        self._line(move, counterpart, -amount, label, partner_id, distribution)
        statement = StatementLine(self._ids["statement"](), move, amount, label, partner_id)
        move.statement_line_id = statement.id
        self.statement_lines.append(statement)
        return statement

    def balance(self, prefixes: tuple[str, ...], year: int) -> Decimal:
        """Σ balance of posted lines on accounts starting with one of `prefixes`, dated in `year`."""
        return sum(
            (
                l.balance
                for m in self.moves
                if m.state == "posted" and m.date.year == year
                for l in m.lines
                if l.account.startswith(prefixes)
            ),
            ZERO,
        )

    def open_lines(self, move: Move) -> list[Line]:
        return [l for l in move.lines if l.reconcilable and l.residual != 0]

    # -- closing -------------------------------------------------------------------------------

    def close(self) -> None:
        """Name posted moves per journal and year, set payment states, derive analytic lines."""
        counters: dict[tuple[str, int], int] = {}
        for move in sorted(self.moves, key=lambda m: (m.date, m.id)):
            if move.state != "posted":
                continue
            prefix = ("P" + move.journal) if move.payment_id else move.journal
            counters[(prefix, move.date.year)] = counters.get((prefix, move.date.year), 0) + 1
            move.name = f"{prefix}/{move.date.year}/{counters[(prefix, move.date.year)]:05d}"
        for move in self.moves:
            if move.move_type != "entry" and move.state == "posted":
                open_ = any(l.residual != 0 for l in move.lines if l.reconcilable)
                partly = any(l.residual != l.balance for l in move.lines if l.reconcilable)
                move.payment_state = ("partial" if partly else "not_paid") if open_ else "paid"
        for move in self.moves:
            if move.state == "posted":
                for line in move.lines:
                    self._analytic_lines(line)

    def _analytic_lines(self, line: Line) -> None:
        if not line.distribution:
            return
        total = -line.balance
        remaining = total
        tag = None
        if len(line.distribution) > 1:
            tag = self.split_tags.setdefault(line.distribution, len(self.split_tags) + 1)
        for index, (accounts, pct) in enumerate(line.distribution):
            last = index == len(line.distribution) - 1
            amount = remaining if last else money(total * Decimal(str(pct)) / 100)
            remaining -= amount
            self.analytic_lines.append(
                AnalyticLine(
                    self._ids["aline"](), line, accounts[0], accounts[1] if len(accounts) > 1 else None, amount, tag
                )
            )

    # -- internals -----------------------------------------------------------------------------

    def _move(self, move_type: str, journal: str, day: date, partner_id: int | None, ref: str, state: str) -> Move:
        move_id = self._ids["move"]()
        touched = min(local_dt(day, 8 + move_id % 9, move_id % 60), self.now)
        move = Move(move_id, move_type, journal, day, partner_id, ref, state, touched)
        self.moves.append(move)
        return move

    def _line(
        self,
        move: Move,
        account: str,
        balance: Decimal,
        label: str,
        partner_id: int | None,
        distribution: Distribution = (),
        date_maturity: date | None = None,
    ) -> Line:
        line = Line(
            self._ids["line"](),
            move,
            account,
            money(balance),
            label,
            partner_id,
            distribution,
            date_maturity or (move.date if ACCOUNT_KIND[account] in RECONCILABLE else None),
        )
        if line.reconcilable:
            line.residual = line.balance
        move.lines.append(line)
        return line

    def _reconcile(self, lines: list[Line], day: date) -> None:
        number = self._ids["reconcile"]()
        when = min(local_dt(day, 17, number % 60), self.now)
        for line in lines:
            line.residual = ZERO
            line.full_reconcile = number
            line.move.touched = max(line.move.touched, when)
