"""A simulated Odoo server speaking the JSON-RPC protocol that the unmodified odoorpc client uses.

It serves records given as `search_read` returns them (docs/sources/odoo.md §1.5), in the shape of one
Odoo version (§2), so the real connector runs against it over loopback: `version_info`,
`common.login/version/authenticate`, `object.execute/execute_kw` (fields_get, search_read, search,
search_count, read, default_get, res.users context_get, ir.model search) and `db.list` (§1.6).

Tests steer it through `app.state`: `faults` (HTTP 500, delay, malformed JSON, connection drop),
`requests` (object calls counted per model) and `calls` (every (model, method) in order); the
books (`app.state.databases[db]`) can be edited while the server runs (`edit`, `add`, `delete`).
"""

from __future__ import annotations

import asyncio
import re
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

DATETIME = "%Y-%m-%d %H:%M:%S"
MAGIC_FIELDS = {"id": "integer", "create_date": "datetime", "write_date": "datetime"}

# Field types that no record value reveals reliably (a monetary field may hold an int, a
# selection looks like a char, an always-empty field is `false`).
NUMERIC_FIELD = re.compile(
    r"^(amount\w*|balance|debit|credit|quantity|unit_amount|price_\w+|planned_amount|running_balance)$"
)
SELECTION_FIELDS = {
    "state", "move_type", "payment_state", "type", "payment_type", "partner_type", "parent_state",
    "display_type", "category", "account_type", "internal_type", "internal_group", "company_type",
}
BOOLEAN_FIELDS = {"active", "reconcile", "reconciled", "deprecated", "is_company"}
# many2one targets by field name; (model, field) pairs first for the names whose target varies.
RELATIONS = {
    ("account.analytic.line", "account_id"): "account.analytic.account",
    ("account.analytic.line", "move_id"): "account.move.line",  # ≤ 15: a journal item, not a move
    ("account.analytic.line", "group_id"): "account.analytic.group",
    ("account.analytic.account", "group_id"): "account.analytic.group",
    ("account.account", "group_id"): "account.group",
    ("account.analytic.distribution", "account_id"): "account.analytic.account",  # ≤ 15
    "tag_id": "account.analytic.tag", "analytic_distribution_ids": "account.analytic.distribution",
    "account_id": "account.account", "general_account_id": "account.account",
    "default_account_id": "account.account", "destination_account_id": "account.account",
    "partner_id": "res.partner", "commercial_partner_id": "res.partner",
    "company_id": "res.company", "company_ids": "res.company",
    "currency_id": "res.currency", "foreign_currency_id": "res.currency",
    "journal_id": "account.journal", "move_id": "account.move", "move_line_id": "account.move.line",
    "analytic_account_id": "account.analytic.account", "analytic_tag_ids": "account.analytic.tag",
    "tag_ids": "account.analytic.tag", "plan_id": "account.analytic.plan",
    "root_plan_id": "account.analytic.plan", "product_id": "product.product",
    "product_uom_id": "uom.uom", "user_id": "res.users", "user_type_id": "account.account.type",
    "statement_id": "account.bank.statement", "statement_line_id": "account.bank.statement.line",
    "payment_id": "account.payment", "full_reconcile_id": "account.full.reconcile",
    "debit_move_id": "account.move.line", "credit_move_id": "account.move.line",
    "country_id": "res.country", "payment_method_line_id": "account.payment.method.line",
}
X_PLAN = re.compile(r"^x_plan\d+_id$")  # 17+: one many2one per extra root plan (§2.2)


class OdooError(Exception):
    """An error the way Odoo serialises it (`serialize_exception`): exception class name and message."""

    def __init__(self, name: str, message: str, exception_type: str = "internal_error"):
        super().__init__(message)
        self.name, self.message, self.exception_type = name, message, exception_type


def access_denied() -> OdooError:
    return OdooError("odoo.exceptions.AccessDenied", "Access Denied", "access_denied")


def invalid_field(model: str, name: str) -> OdooError:
    return OdooError("builtins.ValueError", f"Invalid field {name!r} on model {model!r}")


def model_name(resource: str) -> str:
    """Warehouse resource names are Odoo model names with '.' → '_' (warehouse/resources.py)."""
    return resource if "." in resource else resource.replace("_", ".")


def now_utc() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass
class Faults:
    """Failures to inject, settable on the running app (`app.state.faults`).

    http_500: answer HTTP 500 with an HTML page; delay: seconds to wait before answering;
    malformed: answer HTTP 200 with a truncated JSON body; drop_after: serve that many more
    requests, then cut every following connection in the middle of the response.
    """

    http_500: bool = False
    delay: float = 0.0
    malformed: bool = False
    drop_after: int | None = None

    def clear(self) -> None:
        self.http_500, self.delay, self.malformed, self.drop_after = False, 0.0, False, None


class OdooBooks:
    """One database: its Odoo version, its records per model, one user, editable while served.

    `records` maps a resource name (`account_move`) or a model name (`account.move`) to the rows
    exactly as `search_read` returns them. `fields` adds or overrides `fields_get` entries per
    model, for what the records cannot reveal (e.g. a field that no record fills).
    """

    def __init__(self, version: str, records: dict[str, list[dict]], *, login: str = "admin",
                 password: str = "admin", uid: int = 2, fields: dict[str, dict[str, dict]] | None = None):
        self.version = version if "." in version else f"{version}.0"
        self.login, self.password, self.uid = login, password, uid
        self.lock = threading.RLock()
        self.models: dict[str, dict[int, dict]] = {
            model_name(name): {row["id"]: dict(row) for row in rows} for name, rows in records.items()
        }
        self.models.setdefault("res.users", {uid: {"id": uid, "name": "Administrator", "login": login,
                                                   "active": True, "write_date": "2023-12-01 06:00:00"}})
        self.extra_fields = {model_name(m): spec for m, spec in (fields or {}).items()}
        self._fields: dict[str, dict[str, dict]] = {}  # fields_get per model, until the next mutation

    @property
    def major(self) -> int:
        return int(re.findall(r"\d+", self.version)[0])

    def version_info(self) -> dict:
        """`common.exp_version()`: what `/web/webclient/version_info` and `common.version` answer."""
        major, minor = (int(p) for p in re.findall(r"\d+", self.version)[:2])
        return {"server_version": self.version, "server_version_info": [major, minor, 0, "final", 0, ""],
                "server_serie": f"{major}.{minor}", "protocol_version": 1}

    # -- mutations (tests) --------------------------------------------------------------------

    def rows(self, resource: str) -> list[dict]:
        with self.lock:
            return [dict(row) for row in self.models[model_name(resource)].values()]

    def next_write_date(self) -> str:
        """Now, or one second after the latest write_date served, whichever is later: an edit is always new."""
        with self.lock:
            latest = max((row.get("write_date") or "" for rows in self.models.values() for row in rows.values()),
                         default="")
        moment = now_utc().replace(microsecond=0)
        if latest and latest >= moment.strftime(DATETIME):
            moment = datetime.strptime(latest, DATETIME) + timedelta(seconds=1)
        return moment.strftime(DATETIME)

    def edit(self, resource: str, record_id: int, **values: Any) -> dict:
        """Change a record the way a user would: its write_date moves forward."""
        with self.lock:
            rows = self.models[model_name(resource)]
            rows[record_id] = rows[record_id] | values | {"write_date": values.get("write_date") or self.next_write_date()}
            self._fields.clear()
            return dict(rows[record_id])

    def add(self, resource: str, record: dict) -> dict:
        """Create a record (next free id unless given), stamped with a fresh write_date."""
        with self.lock:
            rows = self.models.setdefault(model_name(resource), {})
            stamp = self.next_write_date()
            row = {"id": max(rows, default=0) + 1, "create_date": stamp, "write_date": stamp} | record
            rows[row["id"]] = row
            self._fields.clear()
            return dict(row)

    def delete(self, resource: str, record_id: int) -> None:
        with self.lock:
            del self.models[model_name(resource)][record_id]
            self._fields.clear()

    # -- bills and payments, as a member and the treasurer would enter them (tests, demo) --------

    def _find(self, resource: str, **match: Any) -> dict:
        for row in self.rows(resource):
            if all(str(row.get(k) or "").lower() == str(v).lower() for k, v in match.items()):
                return row
        raise KeyError(f"{resource}: nothing with {match}")

    def add_bill(self, partner_email: str, day: str, lines: list[tuple[str, float, str, str]], *,
                 ref: str = "", state: str = "posted") -> dict:
        """A supplier bill (in_invoice) of the partner with this e-mail, in this version's shape:
        `lines` are (general account code, amount, label, analytic account code); a payable line
        on 401* balances them. A posted bill gets its name and its analytic lines."""
        partner = self._find("res_partner", email=partner_email)
        payable = next(r for r in self.rows("account_account") if str(r["code"]).startswith("401"))
        journal = next(r for r in self.rows("account_journal") if r.get("type") == "purchase")
        total = round(sum(amount for _, amount, _, _ in lines), 2)
        year = day[:4]
        count = sum(1 for m in self.rows("account_move") if m.get("move_type") == "in_invoice"
                    and str(m.get("date", "")).startswith(year))
        name = f"{journal['code']}/{year}/{90000 + count:05d}" if state == "posted" else ("/" if self.major <= 15 else False)
        partner_m2o, journal_m2o = [partner["id"], partner["name"]], [journal["id"], journal["name"]]
        common = {"company_id": [1, "La Raffinerie"], "currency_id": [1, "EUR"], "partner_id": partner_m2o,
                  "journal_id": journal_m2o}
        move = self.add("account_move", {
            **common, "name": name, "ref": ref or False, "move_type": "in_invoice", "state": state,
            "payment_state": "not_paid", "date": day, "invoice_date": day, "invoice_date_due": day,
            "amount_untaxed": total, "amount_tax": 0.0, "amount_total": total, "amount_residual": total,
            "amount_total_signed": -total, "amount_residual_signed": -total, "payment_reference": False})
        move_m2o = [move["id"], name or f"Brouillon ({move['id']})"]
        for code, amount, label, analytic_code in lines:
            account = self._find("account_account", code=code)
            analytic = self._find("account_analytic_account", code=analytic_code)
            item = self.add("account_move_line", {
                **common, **self._item(move_m2o, name, day, state, account, amount, label),
                **({"analytic_account_id": [analytic["id"], analytic["name"]], "analytic_tag_ids": []}
                   if self.major <= 15 else {"display_type": "product",
                                             "analytic_distribution": {str(analytic["id"]): 100.0}})})
            if state == "posted":
                self.add("account_analytic_line", {
                    "date": day, "name": label, "ref": ref or False, "amount": -amount, "unit_amount": 1.0,
                    "account_id": [analytic["id"], analytic["name"]],
                    "general_account_id": [account["id"], f"{account['code']} {account['name']}"],
                    "partner_id": partner_m2o, "product_id": False, "company_id": [1, "La Raffinerie"],
                    "currency_id": [1, "EUR"], "category": "vendor_bill",
                    **({"move_id": [item["id"], label]} if self.major <= 15
                       else {"move_line_id": [item["id"], label], "journal_id": journal_m2o})})
        self.add("account_move_line", {
            **common, **self._item(move_m2o, name, day, state, payable, -total, ref or name or ""),
            "date_maturity": day,
            **({"analytic_account_id": False, "analytic_tag_ids": []} if self.major <= 15
               else {"display_type": "payment_term", "analytic_distribution": False})})
        with self.lock:
            return dict(self.models["account.move"][move["id"]])

    @staticmethod
    def _item(move_m2o, name, day, state, account, balance, label) -> dict:
        return {"move_id": move_m2o, "move_name": name, "date": day, "date_maturity": False,
                "account_id": [account["id"], f"{account['code']} {account['name']}"], "name": label or False,
                "ref": False, "debit": max(balance, 0.0), "credit": max(-balance, 0.0), "balance": balance,
                "amount_currency": balance, "amount_residual": balance if account.get("reconcile") else 0.0,
                "reconciled": False, "full_reconcile_id": False, "matching_number": False,
                "parent_state": state, "quantity": 1.0}

    def pay_bill(self, move_id: int, day: str, *, payment_state: str = "paid") -> dict:
        """The treasurer pays a posted bill: a payment (its move in the bank journal) reconciled with
        the bill's payable line; the bill becomes `payment_state` ('paid', or 'in_payment' 16+)."""
        bill = dict(self.models["account.move"][move_id])
        payable = next(l for l in self.rows("account_move_line")
                       if l["move_id"][0] == move_id and l.get("amount_residual"))
        bank = next(r for r in self.rows("account_journal") if r.get("type") == "bank")
        outstanding = next((r for r in self.rows("account_account") if str(r["code"]).startswith("5122")), None) or \
            next(r for r in self.rows("account_account") if str(r["code"]).startswith("512"))
        number = 1 + max((int(str(l.get("full_reconcile_id") and l["full_reconcile_id"][0] or 0))
                          for l in self.rows("account_move_line")), default=0)
        matching = {"reconciled": True, "full_reconcile_id": [number, f"A{number}"], "matching_number": f"A{number}",
                    "amount_residual": 0.0}
        amount = -float(payable["balance"])
        name = f"P{bank['code']}/{day[:4]}/{90000 + number:05d}"
        common = {"company_id": [1, "La Raffinerie"], "currency_id": [1, "EUR"], "partner_id": bill["partner_id"],
                  "journal_id": [bank["id"], bank["name"]]}
        move = self.add("account_move", {
            **common, "name": name, "ref": bill["name"], "move_type": "entry", "state": "posted",
            "payment_state": "not_paid", "date": day, "invoice_date": False, "invoice_date_due": False,
            "amount_untaxed": amount, "amount_tax": 0.0, "amount_total": amount, "amount_residual": 0.0,
            "amount_total_signed": amount, "amount_residual_signed": 0.0, "payment_reference": False})
        move_m2o = [move["id"], name]
        no_analytic = ({"analytic_account_id": False, "analytic_tag_ids": []} if self.major <= 15
                       else {"display_type": "product", "analytic_distribution": False})
        account = self._find("account_account", id=payable["account_id"][0])
        self.add("account_move_line", {**common, **self._item(move_m2o, name, day, "posted", account, amount,
                                                              bill["name"]), **no_analytic, **matching})
        self.add("account_move_line", {**common, **self._item(move_m2o, name, day, "posted", outstanding, -amount,
                                                              bill["name"]), **no_analytic})
        self.edit("account_move_line", payable["id"], **matching)
        self.edit("account_move", move_id, payment_state=payment_state, amount_residual=0.0,
                  amount_residual_signed=0.0)
        return self.add("account_payment", {
            "name": name, "date": day, "amount": amount, "payment_type": "outbound", "partner_type": "supplier",
            "partner_id": bill["partner_id"], "journal_id": [bank["id"], bank["name"]], "state": "posted",
            "currency_id": [1, "EUR"], "is_reconciled": True, "is_matched": True, "move_id": move_m2o,
            "ref": bill["name"]})

    # -- fields_get ---------------------------------------------------------------------------

    def fields_of(self, model: str) -> dict[str, dict]:
        """fields_get derived from the rows: every key seen, typed from its name and values."""
        with self.lock:
            if model not in self._fields:
                self._fields[model] = self._derive_fields(model, list(self.models[model].values()))
            return self._fields[model]

    def _derive_fields(self, model: str, rows: list[dict]) -> dict[str, dict]:
        names = dict.fromkeys([*MAGIC_FIELDS, *(key for row in rows for key in row)])
        specs = {name: self._field_spec(model, name, [row.get(name, False) for row in rows]) for name in names}
        for name, spec in self.extra_fields.get(model, {}).items():
            specs[name] = {**specs.get(name, {"string": name, "store": True}), **spec}
        return specs

    @staticmethod
    def _field_spec(model: str, name: str, values: list) -> dict:
        spec: dict[str, Any] = {"string": name.replace("_", " ").capitalize(), "store": True}
        filled = [v for v in values if v is not False and v is not None]
        sample = filled[0] if filled else None
        if name in MAGIC_FIELDS:
            spec["type"] = MAGIC_FIELDS[name]
        elif NUMERIC_FIELD.match(name):
            spec["type"] = "monetary" if name.startswith(("amount", "balance", "debit", "credit")) else "float"
        elif name in SELECTION_FIELDS:
            spec["type"] = "selection"
            spec["selection"] = [[v, v] for v in sorted({str(v) for v in filled})]
        elif X_PLAN.match(name) or (name.endswith("_id") and (sample is None or isinstance(sample, list))):
            spec["type"] = "many2one"
            spec["relation"] = RELATIONS.get((model, name)) or RELATIONS.get(name) or (
                "account.analytic.account" if X_PLAN.match(name) else
                model if name == "parent_id" else name[:-3].replace("_", "."))
        elif name.endswith("_ids") or isinstance(sample, list):
            spec["type"] = "many2many"
            spec["relation"] = RELATIONS.get(name) or name[:-4].replace("_", ".")
        elif name == "analytic_distribution" or isinstance(sample, dict):
            spec["type"] = "json"
        elif name in BOOLEAN_FIELDS or name.startswith("is_") or (sample is None and values and all(
                isinstance(v, bool) for v in values)):
            spec["type"] = "boolean"
        else:
            spec["type"] = _type_of(sample)
        return spec


NUMERIC = {"integer", "float", "monetary"}
EMPTY_NUMBER = 0  # Odoo reads an unset integer/float/monetary field as 0, never as false


def _type_of(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return "date"
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", value):
        return "datetime"
    return "char"


# -- domains ----------------------------------------------------------------------------------

Predicate = Callable[[dict], bool]


def compile_domain(domain: list, fields: dict[str, dict], model: str) -> Predicate:
    """An Odoo domain (prefix `&`, `|`, `!`; implicit `&` between terms) as a predicate on a row."""
    if not isinstance(domain, list):
        raise OdooError("builtins.ValueError", f"Invalid domain {domain!r}")
    stack: list[Predicate] = []
    for term in reversed(domain):
        try:
            if term == "!":
                stack.append(_negate(stack.pop()))
            elif term in ("&", "|"):
                stack.append(_combine(term, stack.pop(), stack.pop()))
            else:
                stack.append(_leaf(term, fields, model))
        except IndexError:
            raise OdooError("builtins.ValueError", f"Invalid domain {domain!r}") from None
    return lambda row: all(predicate(row) for predicate in stack)


def _combine(operator: str, left: Predicate, right: Predicate) -> Predicate:
    if operator == "&":
        return lambda row: left(row) and right(row)
    return lambda row: left(row) or right(row)


def _negate(predicate: Predicate) -> Predicate:
    return lambda row: not predicate(row)


def _leaf(term: Any, fields: dict[str, dict], model: str) -> Predicate:
    if not isinstance(term, (list, tuple)) or len(term) != 3:
        raise OdooError("builtins.ValueError", f"Invalid leaf {term!r}")
    name, operator, value = term
    if name in (0, 1) and operator == "=" and value == 1:  # FALSE_LEAF / TRUE_LEAF
        return lambda row: bool(name)
    if not isinstance(name, str) or name not in fields:
        raise invalid_field(model, name)
    compare = _OPERATORS.get(str(operator).lower())
    if compare is None:
        raise OdooError("builtins.ValueError", f"Invalid leaf {term!r}: unknown operator {operator!r}")
    kind = fields[name]["type"]
    return lambda row: compare(row.get(name, False), value, kind)


def _ident(value: Any, kind: str) -> Any:
    """What a comparison sees: a many2one's id, a value or None when empty."""
    if value is False or value is None or (kind in ("one2many", "many2many") and value == []):
        return None
    if kind == "many2one" and isinstance(value, list):
        return value[0]
    return value


def _label(value: Any, kind: str) -> str | None:
    """What like/ilike match: a many2one's display name, a value's text."""
    if value is False or value is None:
        return None
    return str(value[1]) if kind == "many2one" and isinstance(value, list) else str(value)


def _equal(value: Any, target: Any, kind: str) -> bool:
    current = _ident(value, kind)
    if target is False or target is None:
        return current is None
    if isinstance(current, list):  # x2many: contains
        return target in current
    return current == target


def _within(value: Any, targets: Any, kind: str) -> bool:
    targets = targets if isinstance(targets, list) else [targets]
    current = _ident(value, kind)
    if current is None:
        return False in targets or None in targets
    if isinstance(current, list):
        return bool(set(current) & set(targets))
    return current in targets


def _ordered(test: Callable[[Any, Any], bool]) -> Callable[[Any, Any, str], bool]:
    def compare(value: Any, target: Any, kind: str) -> bool:
        current = _ident(value, kind)
        if current is None or target is False or target is None:
            return False  # SQL: a comparison with NULL is never true
        try:
            return test(current, target)
        except TypeError:
            raise OdooError("builtins.ValueError", f"Cannot compare {current!r} with {target!r}") from None
    return compare


def _pattern(case: bool, anchored: bool) -> Callable[[Any, Any, str], bool]:
    def compare(value: Any, target: Any, kind: str) -> bool:
        text = _label(value, kind)
        if text is None:
            return False
        pattern = str(target)
        if anchored:  # =like: SQL LIKE with % and _ as given
            regex = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
            return re.fullmatch(regex, text, 0 if case else re.IGNORECASE) is not None
        return pattern in text if case else pattern.lower() in text.lower()  # like: '%value%'
    return compare


def _negated(test: Callable[[Any, Any, str], bool]) -> Callable[[Any, Any, str], bool]:
    """Odoo adds `OR field IS NULL` to negative operators with a non-empty value
    (odoo/osv/expression.py; [I] read for `!=`/`not in`, assumed alike for `not (i)like`)."""
    def compare(value: Any, target: Any, kind: str) -> bool:
        if _ident(value, kind) is None and target not in (False, None):
            return True
        return not test(value, target, kind)
    return compare


_OPERATORS: dict[str, Callable[[Any, Any, str], bool]] = {
    "=": _equal, "!=": _negated(_equal), "in": _within, "not in": _negated(_within),
    ">": _ordered(lambda a, b: a > b), ">=": _ordered(lambda a, b: a >= b),
    "<": _ordered(lambda a, b: a < b), "<=": _ordered(lambda a, b: a <= b),
    "like": _pattern(True, False), "ilike": _pattern(False, False),
    "=like": _pattern(True, True), "=ilike": _pattern(False, True),
    "not like": _negated(_pattern(True, False)), "not ilike": _negated(_pattern(False, False)),
}


def sort_rows(rows: list[dict], order: str | None, fields: dict[str, dict], model: str) -> list[dict]:
    """Order like PostgreSQL: each term `field [asc|desc]`; empty values last ascending, first descending."""
    terms = [part.split() for part in (order or "id").split(",") if part.strip()]
    for term in reversed(terms):  # stable sorts, last key first
        name, direction = term[0], (term[1].lower() if len(term) > 1 else "asc")
        if name not in fields or direction not in ("asc", "desc"):
            raise OdooError("builtins.ValueError", f"Invalid \"order\" specified ({order})")
        kind = fields[name]["type"]
        present = [r for r in rows if _ident(r.get(name, False), kind) is not None]
        empty = [r for r in rows if _ident(r.get(name, False), kind) is None]
        present.sort(key=lambda r: _ident(r[name], kind), reverse=direction == "desc")
        rows = present + empty if direction == "asc" else empty + present
    return rows


# -- object service -----------------------------------------------------------------------------

class ModelCall:
    """One `object` call on one model of one database, with Odoo's method signatures."""

    def __init__(self, books: OdooBooks, model: str, kwargs: dict):
        if model == "ir.model":
            models = sorted(books.models)
            self.rows = [{"id": i + 1, "model": m, "name": m, "write_date": "2023-12-01 06:00:00"}
                         for i, m in enumerate(models)]
            self.fields = {n: {"type": t, "string": n, "store": True}
                           for n, t in (("id", "integer"), ("model", "char"), ("name", "char"), ("write_date", "datetime"))}
        elif model in books.models:
            with books.lock:  # edits replace rows, never change them in place
                self.rows = list(books.models[model].values())
            self.fields = books.fields_of(model)
        else:
            raise OdooError("odoo.exceptions.UserError", f"Object {model} doesn't exist", "user_error")
        self.books, self.model, self.context = books, model, kwargs.get("context") or {}

    def select(self, domain: list | None, offset: int = 0, limit: int | None = None,
               order: str | None = None) -> list[dict]:
        domain = list(domain or [])
        uses_active = any(isinstance(t, (list, tuple)) and t and t[0] == "active" for t in domain)
        if "active" in self.fields and self.context.get("active_test", True) and not uses_active:
            domain = ["&", ["active", "=", True], *domain] if domain else [["active", "=", True]]
        keep = compile_domain(domain, self.fields, self.model)
        rows = sort_rows([r for r in self.rows if keep(r)], order, self.fields, self.model)
        offset = offset or 0
        return rows[offset: offset + limit if limit else None]

    def project(self, rows: list[dict], fields: list[str] | None, load: str | None) -> list[dict]:
        names = list(fields) if fields else list(self.fields)
        for name in names:
            if name not in self.fields:
                raise invalid_field(self.model, name)
        bare = load == "_classic_write"
        out = []
        for row in rows:
            shaped = {"id": row["id"]}
            for name in names:
                value = row.get(name, EMPTY_NUMBER if self.fields[name]["type"] in NUMERIC else False)
                if bare and self.fields[name]["type"] == "many2one" and isinstance(value, list):
                    value = value[0]
                shaped[name] = value
            out.append(shaped)
        return out

    # Methods, named and positioned as in Odoo (docs/sources/odoo.md §1.5).

    def fields_get(self, allfields=None, attributes=None, **_):
        specs = {n: s for n, s in self.fields.items() if not allfields or n in allfields}
        if attributes:
            specs = {n: {k: v for k, v in s.items() if k in attributes} for n, s in specs.items()}
        return specs

    def search_read(self, domain=None, fields=None, offset=0, limit=None, order=None, load="_classic_read", **_):
        return self.project(self.select(domain, offset, limit, order), fields, load)

    def search(self, domain=None, offset=0, limit=None, order=None, count=False, **_):
        rows = self.select(domain, offset, limit, order)
        return len(rows) if count else [r["id"] for r in rows]

    def search_count(self, domain=None, limit=None, **_):
        return len(self.select(domain, 0, limit))

    def read(self, ids=None, fields=None, load="_classic_read", **_):
        by_id = {r["id"]: r for r in self.rows}
        ids = ids if isinstance(ids, list) else [ids]
        return self.project([by_id[i] for i in ids if i in by_id], fields, load)

    def default_get(self, fields_list=None, **_):
        return {}

    def context_get(self, **_):
        if self.model != "res.users":
            raise _no_method(self.model, "context_get")
        return {"lang": "fr_FR", "tz": "Indian/Reunion", "uid": self.books.uid}


PUBLIC_METHODS = ("fields_get", "search_read", "search", "search_count", "read", "default_get", "context_get")


def _no_method(model: str, method: str) -> OdooError:
    return OdooError("builtins.AttributeError", f"The method '{method}' does not exist on the model '{model}'")


def call_model(books: OdooBooks, model: str, method: str, args: list, kwargs: dict) -> Any:
    if method.startswith("_"):
        raise OdooError("odoo.exceptions.AccessError",
                        f"Private methods (such as {method}) cannot be called remotely.", "access_error")
    target = ModelCall(books, model, kwargs)
    if method not in PUBLIC_METHODS:
        raise _no_method(model, method)
    kwargs = {k: v for k, v in kwargs.items() if k != "context"}
    try:
        return getattr(target, method)(*args, **kwargs)
    except TypeError as exc:  # wrong arguments, as Python would say it in Odoo
        raise OdooError("builtins.TypeError", str(exc)) from None


# -- the app ------------------------------------------------------------------------------------

class OdooServer:
    """The JSON-RPC dispatcher behind the app: services common, object and db."""

    def __init__(self, databases: dict[str, OdooBooks]):
        versions = {books.version for books in databases.values()}
        if len(versions) != 1:  # version_info is asked before login: one server, one version
            raise ValueError(f"Un serveur Odoo simulé sert une seule version, pas {sorted(versions)}")
        self.databases = databases
        self.version = next(iter(databases.values())).version_info()
        self.requests: Counter[str] = Counter()
        self.calls: list[tuple[str, str]] = []

    def dispatch(self, params: dict) -> Any:
        service, method, args = params.get("service"), params.get("method"), list(params.get("args") or [])
        if service == "common":
            if method == "version":
                return self.version
            if method in ("login", "authenticate"):
                db, login, password = (args + [None] * 3)[:3]
                books = self._books(db)
                return books.uid if (login, password) == (books.login, books.password) else False
        elif service == "db" and method == "list":
            return sorted(self.databases)
        elif service == "object" and method in ("execute", "execute_kw"):
            if len(args) < 5:
                raise OdooError("builtins.TypeError", f"{method}() missing required positional arguments")
            db, uid, password, model, name = args[:5]
            books = self._books(db)
            self.requests[model] += 1
            self.calls.append((model, name))
            if (uid, password) != (books.uid, books.password):
                raise access_denied()
            if method == "execute":
                return call_model(books, model, name, args[5:], {})
            call_args = args[5] if len(args) > 5 else []
            call_kwargs = args[6] if len(args) > 6 else {}
            return call_model(books, model, name, list(call_args or []), dict(call_kwargs or {}))
        raise OdooError("builtins.NameError", f"Unknown service or method: {service}.{method}")

    def _books(self, db: Any) -> OdooBooks:
        if db not in self.databases:
            raise OdooError("psycopg2.OperationalError", f'FATAL:  database "{db}" does not exist')
        return self.databases[db]


def _envelope(request_id: Any, result: Any = None, error: OdooError | None = None, major: int = 17) -> dict:
    body: dict[str, Any] = {"jsonrpc": "2.0", "id": request_id}
    if error is not None:
        data = {"name": error.name, "debug": f"Traceback (most recent call last):\n{error.name}: {error.message}\n",
                "message": error.message, "arguments": [error.message], "context": {}}
        if major <= 15:
            data["exception_type"] = error.exception_type
        # [?] code 200 is verified for ≤ 16 and 0 for the newest http.py; 17 is unverified (odoo.md §1.3).
        body["error"] = {"code": 200, "message": "Odoo Server Error", "data": data}
    elif result is not None:  # Odoo omits `result` when the method returned None
        body["result"] = result
    return body


def odoo_app(databases: dict[str, OdooBooks]) -> Starlette:
    """A Starlette app serving these databases (all of one Odoo version: odoorpc asks it first)."""
    server = OdooServer(databases)
    major = next(iter(databases.values())).major

    async def handle(request: Request, answer: Callable[[dict], Any]) -> Response:
        try:
            payload = await request.json()
            request_id, params = payload.get("id"), payload.get("params") or {}
        except ClientDisconnect:  # the client gave up (timeout) while a delay fault held the request
            return Response(status_code=499)
        except (ValueError, AttributeError):
            return JSONResponse(_envelope(None, error=OdooError("werkzeug.exceptions.BadRequest",
                                                                "Invalid JSON data"), major=major))
        try:
            return JSONResponse(_envelope(request_id, answer(params), major=major))
        except OdooError as exc:
            return JSONResponse(_envelope(request_id, error=exc, major=major))

    async def version_info(request: Request) -> Response:
        return await handle(request, lambda params: server.version)

    async def jsonrpc(request: Request) -> Response:
        return await handle(request, server.dispatch)

    app = Starlette(routes=[Route("/web/webclient/version_info", version_info, methods=["POST"]),
                            Route("/jsonrpc", jsonrpc, methods=["POST"])])
    app.state.databases = databases
    app.state.faults = Faults()
    app.state.requests = server.requests
    app.state.calls = server.calls
    return _with_faults(app)


def _with_faults(app: Starlette) -> Starlette:
    """Wrap the app's ASGI entry so every request first goes through `app.state.faults`."""
    inner = app.middleware_stack or app.build_middleware_stack()

    async def faulty(scope, receive, send):
        if scope["type"] != "http":
            return await inner(scope, receive, send)
        faults: Faults = app.state.faults
        if faults.delay:
            await asyncio.sleep(faults.delay)
        if faults.drop_after is not None:
            if faults.drop_after <= 0:
                await _drop(send)
                return
            faults.drop_after -= 1
        if faults.http_500:
            await Response("<h1>500 Internal Server Error</h1>", status_code=500, media_type="text/html")(
                scope, receive, send)
        elif faults.malformed:
            await Response('{"jsonrpc": "2.0", "id": 1, "result": [{"id": 1, "na', media_type="application/json")(
                scope, receive, send)
        else:
            await inner(scope, receive, send)

    app.middleware_stack = faulty
    return app


async def _drop(send) -> None:
    """Start an answer and stop halfway: uvicorn closes the connection, the client sees it cut."""
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", b"1000")]})
    await send({"type": "http.response.body", "body": b'{"jsonrpc": "2.0", "res', "more_body": True})


def serve_books(version: str, records: dict[str, list[dict]], database: str = "raffinerie", **user: Any) -> Starlette:
    """The common case: one database of one version."""
    return odoo_app({database: OdooBooks(version, records, **user)})
