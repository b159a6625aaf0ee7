"""A simulated Oceco (oce.co.tools): the iCal agenda routes and a minimal Meteor DDP endpoint.

What it mimics, from docs/sources/oceco.md (§2.1, §2.2, §2.4, §5):
- `GET /ical/organizations/{orgId}/events`: public, the events of the organisation's public
  projects ending ≥ now − 2 months, as ical-generator 1.x writes them;
- `GET /ical/organizations/{orgId}/events/archives`: the same over 12 months, for an org admin
  presenting `x-user-id` / `x-access-token` (a token from the DDP `login`);
- `/websocket`: DDP — connect → connected, ping ↔ pong, `login` ({email, pwd} or {resume}), and
  the read publications a reporting connector needs (`listMembers`, `directoryListProjects`,
  `directoryActionsAll`, `directoryActionsAllCounter`, `listMembersDetailHistorique`), sending
  `added` (or `changed`, the session's merge box) per document, then `ready`.

Documents are kept as DDP delivers them (hex `_id`, dates `{"$date": ms}`; ISO strings are
accepted too). Faults and per-route counters come from the TiBillet server module; DDP messages
are also counted, as `ddp:<msg>[:<name>]`.
"""

from __future__ import annotations

import asyncio
import copy
import json
import secrets
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from sandbox.servers.faults import Clock, faulty_app, utc_now

UID_SUFFIX = "@oce.co.tools"
PRODID = "-//oce.co.tools//ical-generator//FR"
NOT_ORGANIZATIONS = {"status": False, "msg": "not organizations"}
TOKEN_LIFETIME = timedelta(days=90)


def to_datetime(value) -> datetime | None:
    """A Mongo date as DDP sends it ({"$date": ms}), an ISO string, or a datetime → aware UTC."""
    if isinstance(value, dict) and "$date" in value:
        return datetime.fromtimestamp(value["$date"] / 1000, UTC)
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return None


def ejson_date(when: datetime) -> dict:
    return {"$date": int(when.timestamp() * 1000)}


def months_before(when: datetime, months: int) -> datetime:
    """moment().subtract(n, 'months'): same day n months earlier, clamped to the month's end."""
    year, month = divmod(when.year * 12 + when.month - 1 - months, 12)
    for day in range(when.day, 27, -1):
        try:
            return when.replace(year=year, month=month + 1, day=day)
        except ValueError:
            continue
    return when.replace(year=year, month=month + 1, day=min(when.day, 28))


def ends_after(event: dict, bound: datetime) -> bool:
    """Mongo's `endDate: {$gte: bound}`: an event without endDate never matches."""
    end = to_datetime(event.get("endDate"))
    return end is not None and end >= bound


def is_hex_id(value) -> bool:
    return isinstance(value, str) and len(value) == 24 and all(c in "0123456789abcdef" for c in value.lower())


class OcecoData:
    """The in-memory collections, the login accounts and the tokens issued."""

    def __init__(self, docs: dict[str, list[dict]], accounts: dict[str, tuple[str, str]], clock: Clock):
        self.collections = {name: {d["_id"]: d for d in docs.get(name, [])}
                            for name in ("organizations", "projects", "events", "actions", "citoyens",
                                         "loguseractions")}
        self.accounts = accounts  # email → (password, citoyen id)
        self.tokens: dict[str, str] = {}  # resume token → user id
        self.clock = clock

    def get(self, collection: str, doc_id: str) -> dict | None:
        return self.collections[collection].get(doc_id)

    def org(self, org_id: str) -> dict | None:
        org = self.get("organizations", org_id)
        return org if org and "oceco" in org else None

    def is_admin(self, org: dict, user_id: str | None) -> bool:
        link = (org.get("links", {}).get("members") or {}).get(user_id or "") or {}
        return bool(link.get("isAdmin")) and not any(
            link.get(flag) for flag in ("toBeValidated", "isAdminPending", "isInviting"))

    def org_projects(self, org: dict) -> list[dict]:
        ids = set(org.get("links", {}).get("projects") or {})
        return [p for p in self.collections["projects"].values()
                if p["_id"] in ids or org["_id"] in (p.get("parent") or {})]

    def project_events(self, project_ids: set[str]) -> list[dict]:
        return [e for e in self.collections["events"].values()
                if project_ids & set(e.get("organizer") or {})]

    def agenda(self, org: dict, since: datetime) -> list[dict] | None:
        """The iCal selection; None where the real query gets an empty `$or` (⚠ likely a 500)."""
        linked = set(org.get("links", {}).get("projects") or {})
        if not linked:
            return []
        public = {pid for pid in linked
                  if (self.get("projects", pid) or {}).get("preferences", {}).get("private") is False}
        if not public:
            return None
        events = [e for e in self.project_events(public) if to_datetime(e.get("startDate")) and ends_after(e, since)]
        return sorted(events, key=lambda e: to_datetime(e["startDate"]))


# --------------------------------------------------------------------------------------------
# iCal, as ical-generator 1.x writes it


def _escape(text: str) -> str:
    return (str(text).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a character (RFC 5545 §3.1)."""
    out, width = [], 0
    for char in line:
        size = len(char.encode())
        if width + size > 75:
            out.append("\r\n ")
            width = 1
        out.append(char)
        width += size
    return "".join(out)


def _ical_date(name: str, value, tz: str | None) -> str:
    when = to_datetime(value)
    if tz:
        return f"{name};TZID={tz}:{when.astimezone(ZoneInfo(tz)):%Y%m%dT%H%M%S}"
    return f"{name}:{when.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def ical(events: list[dict], now: datetime) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}"]
    for ev in events:
        tz = ev.get("timeZone")
        lines += ["BEGIN:VEVENT", f"UID:{ev['_id']}{UID_SUFFIX}", "SEQUENCE:0",
                  f"DTSTAMP:{now.astimezone(UTC):%Y%m%dT%H%M%SZ}",
                  _ical_date("DTSTART", ev["startDate"], tz)]
        if ev.get("endDate") is not None:
            lines.append(_ical_date("DTEND", ev["endDate"], tz))
        lines.append(f"SUMMARY:{_escape(ev.get('name', ''))}")
        if ev.get("description"):
            lines.append(f"DESCRIPTION:{_escape(ev['description'])}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines)


def _calendar_response(data: OcecoData, org_id: str, months: int, media_type: str, headers=None) -> Response:
    if not is_hex_id(org_id):
        return Response("Internal Server Error", 500, media_type="text/plain")  # ObjectID() throws (⚠)
    org = data.org(org_id)
    if org is None:
        return JSONResponse(NOT_ORGANIZATIONS)
    now = data.clock()
    events = data.agenda(org, months_before(now, months))
    if events is None:
        return Response("Internal Server Error", 500, media_type="text/plain")
    return Response(ical(events, now), media_type=media_type, headers=headers)


async def ical_events(request: Request) -> Response:
    return _calendar_response(
        request.app.state.data, request.path_params["org_id"], 2, "text/calendar; charset=utf-8",
        {"Content-Disposition": 'attachment; filename="calendar.ics"'})


async def ical_archives(request: Request) -> Response:
    """Admin archive: 12 months, sent by Express `res.send` hence `text/html` (⚠ docs/sources/oceco.md §2.2)."""
    data: OcecoData = request.app.state.data
    user_id, token = request.headers.get("x-user-id"), request.headers.get("x-access-token")
    if not user_id or not token:
        return Response("Internal Server Error", 500, media_type="text/plain")  # hashing None crashes (⚠)
    if data.tokens.get(token) != user_id:
        return JSONResponse({"auth": False, "message": "Failed to authenticate token."}, 500)
    org = data.org(request.path_params["org_id"]) if is_hex_id(request.path_params["org_id"]) else None
    if org is None:
        return JSONResponse(NOT_ORGANIZATIONS)
    if not data.is_admin(org, user_id):
        return JSONResponse({"status": False, "msg": "not admin"})
    return _calendar_response(data, org["_id"], 12, "text/html; charset=utf-8")


# --------------------------------------------------------------------------------------------
# DDP publications: each gives the (collection, document) pairs to send, or None ("return null")


class MatchFailed(Exception):
    """check() refused an argument: Meteor answers nosub with error 400 "Match failed"."""


def _check(ok: bool) -> None:
    if not ok:
        raise MatchFailed


def _project(doc: dict, paths: list[str]) -> dict:
    """A Mongo field projection: keep `_id` and the dotted `paths`."""
    out = {"_id": doc["_id"]}
    for path in paths:
        source, target, parts = doc, out, path.split(".")
        for part in parts[:-1]:
            source = source.get(part) if isinstance(source, dict) else None
            if source is None:
                break
            target = target.setdefault(part, {})
        else:
            if isinstance(source, dict) and parts[-1] in source:
                target[parts[-1]] = copy.deepcopy(source[parts[-1]])
    return out


def pub_list_members(data: OcecoData, user_id, org_id):
    _check(isinstance(org_id, str))
    org = data.get("organizations", org_id)
    if not user_id or org is None:
        return None
    members = [data.get("citoyens", mid) for mid, link in (org.get("links", {}).get("members") or {}).items()
               if link.get("type") == "citoyens"]
    fields = ["name", "profilThumbImageUrl", f"links.memberOf.{org_id}", f"userWallet.{org_id}.userCredits"]
    citoyens = sorted((_project(c, fields) for c in members if c), key=lambda c: c.get("name", ""))
    return [("organizations", org)] + [("citoyens", c) for c in citoyens]


def pub_directory_list_projects(data: OcecoData, user_id, scope, org_id):
    """The org and its projects (⚠ read in publish.js, not in the table of docs/sources/oceco.md §2.4)."""
    _check(scope in ("organizations", "citoyens", "projects") and isinstance(org_id, str))
    org = data.get("organizations", org_id)
    if not user_id or org is None or scope != "organizations":
        return None
    return [("organizations", org)] + [("projects", p) for p in data.org_projects(org)]


def _actions_scope(data: OcecoData, user_id: str, org: dict) -> tuple[set[str], list[dict]]:
    """Parent ids whose actions an org page lists, and the recent events among them (docs/sources/oceco.md §2.4)."""
    projects = data.org_projects(org)
    if not data.is_admin(org, user_id):  # non-admins: only the projects they administer
        projects = [p for p in projects
                    if ((p.get("links", {}).get("contributors") or {}).get(user_id) or {}).get("isAdmin")]
    project_ids = {p["_id"] for p in projects}
    bound = data.clock() - timedelta(days=15)
    events = [e for e in data.project_events(project_ids) if ends_after(e, bound)]
    return {org["_id"], *project_ids, *(e["_id"] for e in events)}, events


def _org_actions(data: OcecoData, parents: set[str], etat) -> list[dict]:
    actions = [a for a in data.collections["actions"].values() if a.get("parentId") in parents
               and (etat not in ("todo", "done") or a.get("status") == etat)]
    return sorted(actions, key=lambda a: a.get("created") or 0, reverse=True)


def pub_directory_actions_all(data: OcecoData, user_id, scope, org_id, etat=None, limit=None):
    _check(scope in ("projects", "organizations", "citoyens", "events") and isinstance(org_id, str)
           and (etat is None or isinstance(etat, str))
           and (limit is None or (isinstance(limit, (int, float)) and not isinstance(limit, bool))))
    org = data.get("organizations", org_id)
    if not user_id or org is None or scope != "organizations":
        return None
    parents, events = _actions_scope(data, user_id, org)
    actions = _org_actions(data, parents, etat)
    if limit:
        actions = actions[: int(limit)]
    return [("organizations", org)] + [("actions", a) for a in actions] + [("events", e) for e in events]


def pub_directory_actions_all_counter(data: OcecoData, user_id, scope, org_id):
    _check(isinstance(scope, str) and isinstance(org_id, str))
    org = data.get("organizations", org_id)
    if not user_id or org is None:
        return None
    parents, _ = _actions_scope(data, user_id, org)
    count = len(_org_actions(data, parents, "all"))
    return [("counters", {"_id": f"countActionsAll.{org_id}", "count": count})]


def pub_list_members_detail_historique(data: OcecoData, user_id, org_id, citoyen_id, limit):
    _check(isinstance(org_id, str) and isinstance(citoyen_id, str)
           and isinstance(limit, (int, float)) and not isinstance(limit, bool))
    org = data.get("organizations", org_id)
    if not user_id or org is None:
        return None
    if citoyen_id != user_id and not data.is_admin(org, user_id):
        return None  # the project-admin path (oceco.membersAdminProjectAdmin) is not simulated
    citoyen = data.get("citoyens", citoyen_id)
    logs = sorted((log for log in data.collections["loguseractions"].values()
                   if log.get("organizationId") == org_id and log.get("userId") == citoyen_id),
                  key=lambda log: to_datetime(log.get("createdAt")) or datetime.min.replace(tzinfo=UTC),
                  reverse=True)[: int(limit) or 10]
    actions = [data.get("actions", log["actionId"]) for log in logs if log.get("actionId")]
    return ([("citoyens", _project(citoyen, ["name"]))] if citoyen else []) + \
        [("loguseractions", log) for log in logs] + [("actions", a) for a in actions if a]


# name → (handler, published with publishComposite: `ready` even when it returns null)
PUBLICATIONS = {
    "listMembers": (pub_list_members, True),
    "directoryListProjects": (pub_directory_list_projects, True),
    "directoryActionsAll": (pub_directory_actions_all, True),
    "directoryActionsAllCounter": (pub_directory_actions_all_counter, False),
    "listMembersDetailHistorique": (pub_list_members_detail_historique, True),
}


def meteor_error(code, reason: str) -> dict:
    return {"error": code, "reason": reason, "message": f"{reason} [{code}]", "errorType": "Meteor.Error"}


# --------------------------------------------------------------------------------------------
# DDP session


class DdpSession:
    """One WebSocket client: its login, and the documents already sent (Meteor's merge box)."""

    def __init__(self, websocket: WebSocket):
        self.ws = websocket
        self.state = websocket.app.state
        self.data: OcecoData = self.state.data
        self.user_id: str | None = None
        self.connected = False
        self.sent: dict[tuple[str, str], dict] = {}

    async def send(self, message: dict) -> None:
        if self.state.reply_delay:
            await asyncio.sleep(self.state.reply_delay)
        await self.ws.send_text(json.dumps(message, ensure_ascii=False))

    def count(self, *parts: str) -> None:
        self.state.requests[":".join(("ddp",) + parts)] += 1

    async def run(self) -> None:
        await self.ws.accept()
        await self.send({"server_id": "0"})  # Meteor's greeting on a raw WebSocket
        try:
            while True:
                await self.handle(await self.ws.receive_text())
        except WebSocketDisconnect:
            return

    async def handle(self, text: str) -> None:
        try:
            message = json.loads(text)
            kind = message["msg"]
        except (ValueError, KeyError, TypeError):
            self.count("invalid")
            return await self.send({"msg": "error", "reason": "Bad request", "offendingMessage": text[:200]})
        self.count(kind, *([message["method"]] if kind == "method" else [message["name"]] if kind == "sub" else []))
        if kind == "connect":
            return await self.connect(message)
        if not self.connected:
            return await self.send({"msg": "error", "reason": "Must connect first", "offendingMessage": message})
        if kind == "ping":
            return await self.send({"msg": "pong", **({"id": message["id"]} if "id" in message else {})})
        if kind == "pong":
            return None
        if kind == "method":
            return await self.method(message)
        if kind == "sub":
            return await self.subscribe(message)
        if kind == "unsub":
            return await self.send({"msg": "nosub", "id": message.get("id")})
        return await self.send({"msg": "error", "reason": "Bad request", "offendingMessage": message})

    async def connect(self, message: dict) -> None:
        if message.get("version") not in ("1", "pre2", "pre1"):
            return await self.send({"msg": "failed", "version": "1"})
        self.connected = True
        await self.send({"msg": "connected", "session": secrets.token_hex(8)})
        await self.send({"msg": "ping", "id": "heartbeat"})  # the client must answer with pong

    async def method(self, message: dict) -> None:
        method_id, name, params = message.get("id"), message.get("method"), message.get("params") or []
        if name == "login":
            reply = self.login(params[0] if params and isinstance(params[0], dict) else {})
        else:
            reply = {"error": meteor_error(404, f"Method '{name}' not found")}
        await self.send({"msg": "result", "id": method_id, **reply})
        await self.send({"msg": "updated", "methods": [method_id]})

    def login(self, request: dict) -> dict:
        """The custom handler: {email, pwd} checked against Communecter (here: `accounts`), or {resume}."""
        if "resume" in request:
            user_id = self.data.tokens.get(request["resume"])
            if user_id is None:
                return {"error": meteor_error(403, "You've been logged out by the server. Please log in again.")}
            token = request["resume"]
        else:
            account = self.data.accounts.get(str(request.get("email", "")).lower())
            if account is None or account[0] != request.get("pwd"):
                return {"error": meteor_error(403, "Email ou mot de passe incorrect")}
            user_id, token = account[1], secrets.token_urlsafe(32)
            self.data.tokens[token] = user_id
        self.user_id = user_id
        return {"result": {"id": user_id, "token": token,
                           "tokenExpires": ejson_date(self.data.clock() + TOKEN_LIFETIME)}}

    async def subscribe(self, message: dict) -> None:
        sub_id, name, params = message.get("id"), message.get("name"), message.get("params") or []
        if name not in PUBLICATIONS:
            return await self.send({"msg": "nosub", "id": sub_id,
                                    "error": meteor_error(404, f"Subscription '{name}' not found")})
        handler, composite = PUBLICATIONS[name]
        try:
            published = handler(self.data, self.user_id, *params)
        except (MatchFailed, TypeError):
            return await self.send({"msg": "nosub", "id": sub_id, "error": meteor_error(400, "Match failed")})
        if published is None and not composite:
            return  # a plain Meteor.publish returning null never sends ready: the client must time out
        for collection, doc in published or []:
            await self.publish(collection, doc)
        await self.send({"msg": "ready", "subs": [sub_id]})

    async def publish(self, collection: str, doc: dict) -> None:
        fields = {k: v for k, v in doc.items() if k != "_id"}
        key = (collection, doc["_id"])
        if key not in self.sent:
            self.sent[key] = copy.deepcopy(fields)
            return await self.send({"msg": "added", "collection": collection, "id": doc["_id"], "fields": fields})
        known = self.sent[key]
        changed = {k: v for k, v in fields.items() if known.get(k) != v}
        if changed:
            known.update(copy.deepcopy(changed))
            await self.send({"msg": "changed", "collection": collection, "id": doc["_id"], "fields": changed})


async def ddp_endpoint(websocket: WebSocket) -> None:
    await DdpSession(websocket).run()


def create_app(
    docs: dict[str, list[dict]],
    *,
    accounts: dict[str, tuple[str, str]] | None = None,
    clock: Clock = utc_now,
):
    """An Oceco server for `docs` (collection → documents as DDP delivers them).

    accounts: email → (password, citoyen id), the Communecter logins the DDP `login` accepts.
    `app.state.reply_delay` (seconds) slows every DDP reply, to test a client's read timeout.
    """
    routes = [
        Route("/ical/organizations/{org_id}/events", ical_events),
        Route("/ical/organizations/{org_id}/events/archives", ical_archives),
        WebSocketRoute("/websocket", ddp_endpoint),
    ]
    accounts = {email.lower(): value for email, value in (accounts or {}).items()}
    return faulty_app(routes, data=OcecoData(docs, accounts, clock), reply_delay=0.0)
