"""The Odoo client: incremental `search_read` extracts over JSON-RPC with the unmodified odoorpc.

How it reads (docs/sources/odoo.md §4):
- once per client: the server version, then `fields_get` once per model; each model is asked
  for (wanted ∩ available) fields, so versions and customisations are handled by field presence;
- incremental by `write_date`: the next fetch re-scans `overlap_seconds` before the watermark
  (late-committing transactions land "in the past"; the loader's upsert makes the re-scan
  harmless), then pages by keyset on (write_date, id), `page_size` rows per request;
- `fetch(resource, None)` and `reconcile(resource)` read the whole resource and say so
  (`Batch.complete`), which is how the loader drops records deleted in Odoo; `ids(resource)` is
  the cheap check (ids only) a flow can run first to know whether a reconciliation is due.

Every failure becomes a `SourceError` with a French message that never holds the password.
"""

from __future__ import annotations

import http.client
import json
import logging
import re
import socket
import urllib.error
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import urlsplit

import odoorpc
import odoorpc.error
import odoorpc.tools

from flows.sources import Batch, SourceError
from warehouse.load import Watermark

SOURCE = "odoo"
CONTEXT = {"active_test": False, "lang": "fr_FR"}  # archived accounts and journals included (§4.1)
ORDER = "write_date asc, id asc"
DATETIME = "%Y-%m-%d %H:%M:%S"
DATETIME_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")
NUMERIC_TYPES = {"float", "monetary", "integer"}
# Checked as numbers even if a customised fields_get typed them otherwise.
NUMERIC_NAMES = {"amount", "balance", "debit", "credit", "amount_total", "amount_residual",
                 "amount_untaxed", "amount_tax", "amount_total_signed", "amount_residual_signed",
                 "amount_currency", "unit_amount", "quantity", "debit_amount_currency",
                 "credit_amount_currency"}

T = TypeVar("T")

# What was being done when a call failed, as the error message says it.
CONNECTING = "la connexion"
READING_FIELDS = "la lecture des champs (fields_get)"
READING_RECORDS = "la lecture des enregistrements (search_read)"
LISTING_IDS = "la liste des ids (search)"


class _HidePayloads(logging.Filter):
    """odoorpc logs every JSON-RPC body at DEBUG and only masks a `password` key; on /jsonrpc the
    password travels in `args`, so those records would leak it. They are dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.DEBUG


logging.getLogger("odoorpc.rpc.jsonrpclib").addFilter(_HidePayloads())


@dataclass(frozen=True)
class Extract:
    """What to read for one resource: its model, the fields wanted (taken when present), and
    the Odoo versions in which the model exists."""

    model: str
    fields: tuple[str, ...]
    min_version: int | None = None
    max_version: int | None = None
    extra_columns: re.Pattern | None = None  # dynamic columns, e.g. 17+ x_plan<N>_id

    def exists_in(self, major: int) -> bool:
        return (self.min_version is None or major >= self.min_version) and (
            self.max_version is None or major <= self.max_version)


_GROUPING = ("name", "parent_id", "complete_name", "company_id", "sequence", "write_date")

# docs/sources/odoo.md §4.2; both version names are listed where a field was renamed, only the
# present one is asked.
EXTRACTS: dict[str, Extract] = {
    "res_company": Extract("res.company", ("name", "currency_id", "write_date")),
    # Not in §4.2: the partner fields the marts may want (funders, suppliers, customers).
    "res_partner": Extract("res.partner", (
        "name", "display_name", "ref", "is_company", "company_type", "parent_id", "email", "phone",
        "vat", "zip", "city", "country_id", "customer_rank", "supplier_rank", "company_id", "active",
        "write_date")),
    "account_account": Extract("account.account", (
        "code", "name", "reconcile", "currency_id", "write_date", "deprecated", "company_id",
        "company_ids", "user_type_id", "internal_type", "internal_group", "account_type")),
    "account_journal": Extract("account.journal", (
        "name", "code", "type", "default_account_id", "currency_id", "company_id", "active",
        "write_date")),
    "account_analytic_group": Extract("account.analytic.group", _GROUPING, max_version=15),
    "account_analytic_plan": Extract("account.analytic.plan", _GROUPING, min_version=16),
    "account_analytic_account": Extract("account.analytic.account", (
        # balance/debit/credit are computed, not stored, and slow: never asked.
        "name", "code", "active", "partner_id", "company_id", "write_date", "group_id", "plan_id",
        "root_plan_id")),
    # ≤15: analytic tags, and the distributions of the tags that spread a journal item over
    # analytic accounts (`active_analytic_distribution`); both gone from 16 (distributions became
    # the move line's analytic_distribution). Needed for draft lines, which have no analytic line.
    "account_analytic_tag": Extract("account.analytic.tag", (
        "name", "active", "active_analytic_distribution", "analytic_distribution_ids", "company_id",
        "write_date"), max_version=15),
    "account_analytic_distribution": Extract("account.analytic.distribution", (
        "account_id", "percentage", "tag_id", "write_date"), max_version=15),
    "account_analytic_line": Extract("account.analytic.line", (
        "date", "name", "ref", "amount", "unit_amount", "account_id", "general_account_id",
        "partner_id", "product_id", "company_id", "currency_id", "write_date", "move_id",
        "move_line_id", "journal_id", "category", "plan_id"), extra_columns=re.compile(r"^x_plan\d+_id$")),
    "account_move": Extract("account.move", (
        "name", "ref", "move_type", "state", "payment_state", "date", "invoice_date",
        "invoice_date_due", "partner_id", "journal_id", "company_id", "currency_id",
        "amount_untaxed", "amount_tax", "amount_total", "amount_residual", "amount_total_signed",
        "amount_residual_signed", "payment_reference", "write_date")),
    # §4.2 filters move lines on parent_state in (draft, posted). Not done here: a line whose move
    # is cancelled after a first load would then never be seen again and stay "posted" in the
    # warehouse until a reconciliation; staging filters on parent_state instead.
    "account_move_line": Extract("account.move.line", (
        "move_id", "move_name", "date", "date_maturity", "account_id", "partner_id", "journal_id",
        "company_id", "name", "ref", "debit", "credit", "balance", "amount_currency", "currency_id",
        "amount_residual", "reconciled", "full_reconcile_id", "matching_number", "parent_state",
        "display_type", "product_id", "quantity", "write_date", "analytic_account_id",
        "analytic_tag_ids", "analytic_distribution")),
    "account_bank_statement_line": Extract("account.bank.statement.line", (
        "date", "payment_ref", "partner_id", "amount", "currency_id", "journal_id", "statement_id",
        "move_id", "is_reconciled", "amount_residual", "write_date")),
    "account_payment": Extract("account.payment", (
        "name", "date", "amount", "payment_type", "partner_type", "partner_id", "journal_id", "state",
        "currency_id", "is_reconciled", "is_matched", "move_id", "write_date", "ref", "memo")),
    # Not in §4.2: who was reconciled with whom, and for how much. Odoo ≤16 writes 'P' as the
    # matching_number of every partially reconciled line (useless as a key), 17 'P<n>'; the
    # partial reconciliations themselves (14–18) say which debit line was settled by which credit
    # line and by how much — what a subsidy's instalments received are made of.
    "account_partial_reconcile": Extract("account.partial.reconcile", (
        "debit_move_id", "credit_move_id", "amount", "debit_amount_currency", "credit_amount_currency",
        "full_reconcile_id", "max_date", "company_id", "write_date")),
}


@dataclass
class _Model:
    """What the probe learnt about one model: the fields to ask and their types."""

    fields: list[str]
    types: dict[str, str]


class OdooSource:
    """Reads La Raffinerie's accounting from Odoo 14–18 (`url` like `https://odoo.example.org`).

    Credentials come from the caller (environment variables); they are kept private, never
    logged, never shown by `repr()` or in an error message.
    """

    name = SOURCE

    def __init__(self, url: str, database: str, login: str, password: str, *, timeout: float = 30,
                 page_size: int = 500, overlap_seconds: int = 600):
        self.url, self.database, self.login = url, database, login
        self.__password = password
        self.timeout, self.page_size, self.overlap = timeout, page_size, timedelta(seconds=overlap_seconds)
        self.host, self.port, self.protocol = _endpoint(url)
        self._odoo: odoorpc.ODOO | None = None
        self._models: dict[str, _Model] = {}

    def __repr__(self) -> str:
        return (f"OdooSource(url={self.url!r}, database={self.database!r}, login={self.login!r}, "
                f"password='***')")

    # -- public API ---------------------------------------------------------------------------

    def major_version(self, resource: str | None = None) -> int:
        """The server's major version (e.g. 17), asked once per client."""
        return odoorpc.tools.v(self._connection(resource).version)[0]

    def fetch(self, resource: str, since: Watermark | None = None) -> Batch:
        """Records written since the watermark (minus the overlap), or all of them if `since` is None.

        A fetch from scratch is the whole resource: it comes back `complete`. A model that does
        not exist in this Odoo version (analytic groups from 16, plans before 16) gives an empty,
        complete batch.
        """
        extract = self._extract(resource)
        if not extract.exists_in(self.major_version(resource)):
            return Batch(complete=True)
        model = self._probe(resource, extract)
        batch = Batch(watermark=since, complete=since is None)
        cursor = self._start(resource, since)
        while True:
            page = self._call(resource, READING_RECORDS, lambda odoo: odoo.execute_kw(
                extract.model, "search_read", [self._after(cursor)],
                {"fields": model.fields, "order": ORDER, "limit": self.page_size, "context": dict(CONTEXT)}))
            if not isinstance(page, list):
                raise SourceError(SOURCE, resource, f"réponse inattendue d'Odoo à search_read ({type(page).__name__})")
            for record in page:
                reason = check_record(record, model.types)
                if reason:
                    batch.rejected.append((record, reason))
                else:
                    batch.records.append(record)
                if _valid_position(record):
                    cursor = (record["write_date"], record["id"])
            if len(page) < self.page_size:
                break
            if not any(_valid_position(r) for r in page):
                raise SourceError(SOURCE, resource, "pagination impossible : aucune ligne de la page n'a "
                                                    "d'id et de write_date valides")
        if cursor is not None and (since is None or since.value is None
                                   or (cursor[0], cursor[1]) > (since.value, _parse_int(since.last_key, resource))):
            batch.watermark = Watermark(cursor[0], str(cursor[1]))  # never backwards (overlap re-scan)
        return batch

    def reconcile(self, resource: str) -> Batch:
        """The whole resource, `complete`: load it with `delete_missing=True` to drop what Odoo deleted."""
        return self.fetch(resource, None)

    def ids(self, resource: str) -> set[int]:
        """Every id of the resource, archived included (one `search`, no fields read)."""
        # §4.1 suggests limiting the deletion check to the open fiscal years; the whole model is
        # read here, as an association's volumes are small [?: check the cost on the real instance].
        extract = self._extract(resource)
        if not extract.exists_in(self.major_version(resource)):
            return set()
        found = self._call(resource, LISTING_IDS, lambda odoo: odoo.execute_kw(
            extract.model, "search", [[]], {"context": dict(CONTEXT)}))
        if not isinstance(found, list) or not all(_is_int(i) for i in found):
            raise SourceError(SOURCE, resource, "réponse inattendue d'Odoo à search (liste d'ids attendue)")
        return set(found)

    # -- connection and probe -----------------------------------------------------------------

    def _connection(self, resource: str | None) -> odoorpc.ODOO:
        if self._odoo is None:
            def connect(_):
                odoo = odoorpc.ODOO(self.host, protocol=self.protocol, port=self.port, timeout=self.timeout)
                if odoo.version is None:
                    raise SourceError(SOURCE, resource, f"{self.url} ne donne pas sa version : est-ce bien Odoo ?")
                odoo.login(self.database, self.login, self.__password)
                return odoo
            self._odoo = self._guard(resource, CONNECTING, connect, None)
        return self._odoo

    def _probe(self, resource: str, extract: Extract) -> _Model:
        """fields_get once per model: ask for the wanted fields that this server has."""
        if resource not in self._models:
            available = self._call(resource, READING_FIELDS, lambda odoo: odoo.execute_kw(
                extract.model, "fields_get", [], {"attributes": ["type", "relation", "string", "store"]}))
            if not isinstance(available, dict):
                raise SourceError(SOURCE, resource, "réponse inattendue d'Odoo à fields_get")
            if "write_date" not in available:
                raise SourceError(SOURCE, resource, f"le modèle {extract.model} n'a pas de champ write_date : "
                                                    "extraction incrémentale impossible")
            wanted = [f for f in extract.fields if f in available]
            if extract.extra_columns:
                wanted += sorted(f for f, spec in available.items() if extract.extra_columns.match(f)
                                 and spec.get("relation") == "account.analytic.account")
            types = {f: str(available[f].get("type", "")) for f in wanted}
            self._models[resource] = _Model(wanted, types)
        return self._models[resource]

    def _start(self, resource: str, since: Watermark | None) -> tuple[str, int] | None:
        """The keyset cursor of the first page: the watermark itself, or `overlap` before it (id 0)."""
        if since is None or since.value is None:
            return None
        if not self.overlap:
            return since.value, _parse_int(since.last_key, resource)
        try:
            start = datetime.strptime(since.value, DATETIME) - self.overlap
        except ValueError:
            raise SourceError(SOURCE, resource, f"filigrane illisible : {since.value!r} "
                                                "(attendu AAAA-MM-JJ HH:MM:SS)") from None
        return start.strftime(DATETIME), 0

    @staticmethod
    def _after(cursor: tuple[str, int] | None) -> list:
        """Rows strictly after (write_date, id): docs/sources/odoo.md §4.1."""
        if cursor is None:
            return []
        write_date, last_id = cursor
        return ["|", ["write_date", ">", write_date], "&", ["write_date", "=", write_date], ["id", ">", last_id]]

    def _extract(self, resource: str) -> Extract:
        try:
            return EXTRACTS[resource]
        except KeyError:
            raise SourceError(SOURCE, resource, f"ressource inconnue (connues : {', '.join(EXTRACTS)})") from None

    # -- errors ---------------------------------------------------------------------------------

    def _call(self, resource: str, what: str, call: Callable[[odoorpc.ODOO], T]) -> T:
        odoo = self._connection(resource)
        return self._guard(resource, what, call, odoo)

    def _guard(self, resource: str | None, what: str, call: Callable[[Any], T], odoo: Any) -> T:
        """Run one odoorpc call; turn whatever it raises into a SourceError with a French message."""
        try:
            return call(odoo)
        except SourceError:
            raise
        except Exception as exc:  # noqa: BLE001 — each kind is named in _explain
            message = self._explain(exc, what)
            if message is None:
                raise
            raise SourceError(SOURCE, resource, self._scrub(message)) from exc

    def _explain(self, exc: Exception, what: str) -> str | None:
        where = f"{self.url} (base « {self.database} »)"
        if isinstance(exc, odoorpc.error.RPCError):
            if what == CONNECTING and not exc.info:  # odoorpc's own "Wrong login ID or password"
                return f"identifiant ou mot de passe refusé par {where} pour l'utilisateur « {self.login} »"
            name = ((exc.info or {}).get("data") or {}).get("name", "") if isinstance(exc.info, dict) else ""
            if name.endswith("AccessDenied"):
                return f"accès refusé par {where} pendant {what} : identifiant ou mot de passe invalide"
            return f"Odoo a répondu une erreur à {what} : {exc}" + (f" ({name})" if name else "")
        if isinstance(exc, urllib.error.HTTPError):
            return f"{where} a répondu HTTP {exc.code} ({exc.reason}) à {what}"
        if isinstance(exc, (socket.timeout, TimeoutError)) or (
                isinstance(exc, urllib.error.URLError) and isinstance(exc.reason, (socket.timeout, TimeoutError))):
            return f"pas de réponse de {where} en {self.timeout:g} s pendant {what}"
        if isinstance(exc, urllib.error.URLError):
            return f"serveur injoignable à {self.url} pendant {what} : {exc.reason}"
        if isinstance(exc, json.JSONDecodeError):
            return f"réponse illisible de {where} à {what} (JSON invalide : {exc.msg})"
        if isinstance(exc, (http.client.HTTPException, ConnectionError)):
            return f"connexion coupée par {where} pendant {what} ({type(exc).__name__})"
        if isinstance(exc, OSError):
            return f"erreur réseau avec {where} pendant {what} : {exc}"
        if isinstance(exc, odoorpc.error.InternalError):
            return f"erreur du client odoorpc pendant {what} : {exc}"
        if isinstance(exc, (KeyError, TypeError, AttributeError, ValueError)):
            # odoorpc indexes the reply without checks: a reply without `result` or `error.data`.
            return f"réponse inattendue de {where} à {what} ({type(exc).__name__}: {exc})"
        return None

    def _scrub(self, message: str) -> str:
        """Defensive: should any server echo the password, it does not leave this class."""
        return message.replace(self.__password, "***") if self.__password else message


# -- validation -------------------------------------------------------------------------------


def check_record(record: Any, types: dict[str, str]) -> str | None:
    """Why a record cannot be loaded (in French), or None when it is sound."""
    if not isinstance(record, dict):
        return f"enregistrement inattendu ({type(record).__name__}, dictionnaire attendu)"
    if not _is_int(record.get("id")):
        return f"champ 'id' : entier attendu, reçu {_shown(record.get('id'))}"
    if not isinstance(record.get("write_date"), str) or not DATETIME_PATTERN.fullmatch(record["write_date"]):
        return f"champ 'write_date' : date-heure AAAA-MM-JJ HH:MM:SS attendue, reçu {_shown(record.get('write_date'))}"
    for name, value in record.items():
        kind = types.get(name)
        if (kind in NUMERIC_TYPES or name in NUMERIC_NAMES) and not _is_number(value):
            return f"champ {name!r} : nombre attendu, reçu {_shown(value)}"
        if kind == "many2one" and value is not False and not _is_many2one(value):
            return f"champ {name!r} : [id, nom] ou false attendu, reçu {_shown(value)}"
    return None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_many2one(value: Any) -> bool:
    # [?] The display name is a string; False is accepted too, in case a record without a name
    # reads as such (not verified against a real 17).
    return (isinstance(value, list) and len(value) == 2 and _is_int(value[0])
            and isinstance(value[1], (str, bool)) and value[1] is not True)


def _valid_position(record: Any) -> bool:
    return (isinstance(record, dict) and _is_int(record.get("id")) and isinstance(record.get("write_date"), str)
            and DATETIME_PATTERN.fullmatch(record["write_date"]) is not None)


def _shown(value: Any) -> str:
    text = repr(value)
    return (text[:60] + "…" if len(text) > 60 else text) + f" ({type(value).__name__})"


def _parse_int(value: str | None, resource: str) -> int:
    try:
        return int(value) if value is not None else 0
    except ValueError:
        raise SourceError(SOURCE, resource, f"filigrane illisible : dernier id {value!r}") from None


def _endpoint(url: str) -> tuple[str, int, str]:
    """host, port and odoorpc protocol from `http(s)://host[:port]` (odoorpc takes no path)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SourceError(SOURCE, None, f"adresse Odoo invalide : {url!r} (attendu http(s)://hôte[:port])")
    if parts.path not in ("", "/") or parts.query:
        raise SourceError(SOURCE, None, f"adresse Odoo invalide : {url!r} (odoorpc ne gère pas de chemin "
                                        "après l'hôte)")
    ssl = parts.scheme == "https"
    try:
        port = parts.port or (443 if ssl else 80)
    except ValueError:
        raise SourceError(SOURCE, None, f"adresse Odoo invalide : {url!r} (port incorrect)") from None
    return parts.hostname, port, "jsonrpc+ssl" if ssl else "jsonrpc"
