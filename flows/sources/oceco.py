"""Oceco client: the agenda from the iCal feed, volunteering data over Meteor DDP.

docs/sources/oceco.md §4 is the plan followed:
- `events`: the public feed `/ical/organizations/{orgId}/events` parsed with `icalendar`; each
  VEVENT becomes `{_id, name, startDate, endDate, description?, timeZone?}` with `_id` = the UID
  minus `@oce.co.tools` (the Communecter event id). The feed only holds events ending after
  now − 2 months (12 months with `archives=True`, which logs in as an org admin), so the batch is
  NOT complete: older events must stay in the warehouse (§4.1 "keep history yourself").
- `organizations`, `projects`, `citoyens`, `actions`, `loguseractions`: read over DDP
  (flows/sources/ddp.py) with an org-admin account, documents kept as DDP sends them.
  organizations, projects and citoyens (the current members, with their balances) are complete
  sets. actions are not (⚠ `directoryActionsAll` leaves out actions of events that ended more than
  15 days ago), nor is the ledger (it is read member by member: a former member's rows are no
  longer reachable); both are loaded without deleting what the warehouse already holds.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from urllib.parse import urlsplit, urlunsplit

from icalendar import Calendar

from flows.sources import Batch, SourceError
from flows.sources.ddp import DDPClient, DDPError
from flows.sources.http import http_get
from warehouse.load import Watermark

SOURCE = "oceco"
UID_SUFFIX = "@oce.co.tools"
FINISHED_STATES = {"toModerate", "validated", "novalidated"}
DDP_RESOURCES = ("organizations", "projects", "citoyens", "actions", "loguseractions")


class OcecoSource:
    """Reads one Oceco organisation. Holds no connection between fetches."""

    source = SOURCE

    def __init__(
        self,
        base_url: str,
        org_id: str,
        email: str,
        password: str,
        *,
        timeout: float = 30,
        archives: bool = False,
        limit: int = 100_000,
    ):
        """archives: read the 12-month admin agenda instead of the public 2-month one;
        limit: the `limit` argument of the DDP publications (they have no pagination)."""
        self.base_url = base_url.rstrip("/")
        self.org_id, self.email, self._password = org_id, email, password
        self.timeout, self.archives, self.limit = timeout, archives, limit

    def __repr__(self) -> str:
        return f"OcecoSource(base_url={self.base_url!r}, org_id={self.org_id!r}, email={self.email!r}, password='***')"

    @property
    def websocket_url(self) -> str:
        parts = urlsplit(self.base_url)
        scheme = {"https": "wss", "http": "ws"}.get(parts.scheme, parts.scheme)
        return urlunsplit((scheme, parts.netloc, parts.path + "/websocket", "", ""))

    def fetch(self, resource: str, since: Watermark | None = None) -> Batch:
        if resource == "events":
            return self._fetch_events()
        if resource in DDP_RESOURCES:
            return self._fetch_ddp(resource)
        raise SourceError(SOURCE, resource, "ressource inconnue d'Oceco")

    # ---------------------------------------------------------------------------------- iCal

    def _fetch_events(self) -> Batch:
        path = f"/ical/organizations/{self.org_id}/events"
        headers = {}
        if self.archives:
            user_id, token = self._login_token()
            path += "/archives"
            headers = {"x-user-id": user_id, "x-access-token": token}
        text = self._get_text("events", path, headers)
        if text.lstrip().startswith("{"):  # Oceco answers its refusals as JSON, often with a 200
            raise self._error("events", _json_refusal(text))
        try:
            calendar = Calendar.from_ical(text)
        except (ValueError, IndexError) as exc:
            raise self._error("events", f"agenda illisible (iCal invalide : {exc})") from None
        batch = Batch(complete=False)
        for component in calendar.walk("VEVENT"):
            _keep_or_reject(batch, *_event_record(component))
        return batch

    def _get_text(self, resource: str, path: str, headers: dict) -> str:
        url = self.base_url + path
        response = http_get(url, timeout=self.timeout, headers=headers,
                            fail=lambda message: self._error(resource, message))
        if response.status_code != 200:
            detail = _json_refusal(response.text) if response.text.lstrip().startswith("{") else ""
            raise self._error(resource, f"erreur du serveur Oceco (HTTP {response.status_code})"
                                        + (f" : {detail}" if detail else ""))
        return response.text

    # ----------------------------------------------------------------------------------- DDP

    def _session(self, resource: str, work: Callable[[DDPClient, dict], object]):
        """Connect, log in as the admin account, run `work(ddp, login result)`; failures → SourceError."""
        try:
            with DDPClient(self.websocket_url, timeout=self.timeout) as ddp:
                return work(ddp, self._login(ddp))
        except DDPError as exc:
            raise self._error(resource, exc.reason) from None

    def _login(self, ddp: DDPClient) -> dict:
        try:
            result = ddp.call("login", {"email": self.email, "pwd": self._password})
        except DDPError as exc:
            raise DDPError(f"connexion refusée pour {self.email} : {exc.reason}") from None
        if not isinstance(result, dict) or not result.get("id") or not result.get("token"):
            raise DDPError("réponse de connexion inattendue")
        return result

    def _login_token(self) -> tuple[str, str]:
        """A Meteor resume token, as the archive route wants it (x-user-id, x-access-token)."""
        return self._session("events", lambda ddp, login: (login["id"], login["token"]))

    def _fetch_ddp(self, resource: str) -> Batch:
        org = self.org_id

        def read(ddp: DDPClient, login: dict) -> list[dict]:
            if resource == "projects":
                ddp.subscribe("directoryListProjects", "organizations", org)
            elif resource == "actions":
                ddp.subscribe("directoryActionsAll", "organizations", org, "all", self.limit)
            else:
                ddp.subscribe("listMembers", org)
            # Each of these publishes the org itself: without it, an empty answer would look
            # like "nothing left" and a complete batch would empty the warehouse table.
            if not any(d["_id"] == org for d in ddp.documents("organizations")):
                raise DDPError(f"organisation {org} introuvable, ou compte sans accès")
            if resource == "loguseractions":
                for citoyen in ddp.documents("citoyens"):
                    ddp.subscribe("listMembersDetailHistorique", org, citoyen["_id"], self.limit)
            return ddp.documents(resource)

        documents = self._session(resource, read)
        batch = Batch(complete=resource in ("organizations", "projects", "citoyens"))
        if resource == "actions" and len(documents) >= self.limit:
            raise self._error(resource, f"plus de {self.limit} actions : augmenter la limite de lecture")
        check = VALIDATORS.get(resource, _check_id)
        for doc in documents:
            _keep_or_reject(batch, doc, check(doc))
        return batch

    def _error(self, resource: str, message: str) -> SourceError:
        return SourceError(SOURCE, resource, message, hide=(self._password,))


def _keep_or_reject(batch: Batch, record: dict, reason: str | None) -> None:
    if reason:
        batch.rejected.append((record, reason))
    else:
        batch.records.append(record)


def _json_refusal(text: str) -> str:
    """Oceco's JSON refusals: {"status": false, "msg": …} or {"auth": false, "message": …}."""
    try:
        body = json.loads(text)
    except ValueError:
        return "réponse illisible (ni iCal ni JSON)"
    if not isinstance(body, dict):
        return "réponse inattendue"
    msg = body.get("msg") or body.get("message") or body.get("reason") or ""
    if msg == "not organizations":
        return "organisation inconnue d'Oceco, ou sans Oceco activé (« not organizations »)"
    if msg == "not admin":
        return "le compte n'est pas administrateur de l'organisation (« not admin »)"
    if body.get("auth") is False:
        return f"jeton refusé ({msg})"
    return f"refus d'Oceco : {msg or text[:200]}"


def _ical_value(component, name: str):
    value = component.get(name)
    return None if value is None else component.decoded(name)


def _iso(value) -> str:
    return value.isoformat() if isinstance(value, (datetime, date)) else str(value)


def _event_record(component) -> tuple[dict, str | None]:
    """One VEVENT as an Oceco event record, and why it cannot be loaded (None if it can)."""
    uid = str(component.get("UID") or "")
    record: dict = {"_id": uid.removesuffix(UID_SUFFIX), "name": str(component.get("SUMMARY") or "")}
    try:
        start, end = _ical_value(component, "DTSTART"), _ical_value(component, "DTEND")
    except (ValueError, TypeError) as exc:
        return {**record, "uid": uid}, f"date de l'événement illisible ({exc})"
    if start is not None:
        record["startDate"] = _iso(start)
    if end is not None:
        record["endDate"] = _iso(end)
    if component.get("DESCRIPTION") is not None:
        record["description"] = str(component.get("DESCRIPTION"))
    tzid = component.get("DTSTART").params.get("TZID") if component.get("DTSTART") is not None else None
    if tzid:
        record["timeZone"] = str(tzid)
    if not record["_id"]:
        return record, "événement sans identifiant (UID)"
    if start is None:
        return record, "événement sans date de début (DTSTART)"
    return record, None


# --------------------------------------------------------------------------------------------
# Validation of DDP documents: None when a document can be loaded, else why not (in French)


def _check_id(doc: dict) -> str | None:
    return None if isinstance(doc.get("_id"), str) and doc["_id"] else "document sans identifiant (_id)"


def _integer_like(value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    if isinstance(value, float):
        return value.is_integer()
    if isinstance(value, str):
        try:
            return float(value).is_integer()
        except ValueError:
            return False
    return False


def check_action(doc: dict) -> str | None:
    if reason := _check_id(doc):
        return reason
    # credits may be absent (options.creditAddPorteur): Oceco then counts 0
    if "credits" in doc and doc["credits"] is not None and not _integer_like(doc["credits"]):
        return f"crédits non entiers ({doc['credits']!r})"
    finished = doc.get("finishedBy", {})
    if not isinstance(finished, dict):
        return f"finishedBy n'est pas un objet ({finished!r:.100})"
    unknown = {state for state in finished.values() if state not in FINISHED_STATES}
    if unknown:
        return f"état de participation inconnu dans finishedBy ({', '.join(map(repr, sorted(map(str, unknown))))})"
    return None


def check_log(doc: dict) -> str | None:
    if reason := _check_id(doc):
        return reason
    if not _integer_like(doc.get("credits")):
        return f"mouvement de crédits non entier ({doc.get('credits')!r})"
    return None


VALIDATORS = {"actions": check_action, "loguseractions": check_log}
