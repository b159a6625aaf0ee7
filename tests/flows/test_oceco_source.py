"""OcecoSource against the simulated Oceco server: iCal over httpx, DDP over websockets, loopback."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, time

import httpx
import pytest
from websockets.sync.client import connect

from flows.sources import SourceError
from flows.sources.oceco import OcecoSource
from sandbox.servers import free_port, serve_in_thread
from sandbox.servers.oceco import create_app, ejson_date
from warehouse.load import load_records
from warehouse.migrations import migrate

NOW = datetime(2020, 10, 25, 12, 0, tzinfo=UTC)
ORG, OTHER_ORG = "5de4e2f1a1b2c3d4e5f60718", "5de4e2f1a1b2c3d4e5f60799"
ADMIN, ALICE, BOB, CAROL = (f"5e8a1b2c3d4e5f607182930{i}" for i in (4, 5, 6, 7))
P_PUBLIC, P_PRIVATE, P_NOPREF = "5e1a9c0b4f1d2a3b4c5d6e7f", "5e1a9c0b4f1d2a3b4c5d6e80", "5e1a9c0b4f1d2a3b4c5d6e81"
E1, E2, E3, E4, E5 = (f"5f6b2c3d4e5f60718293a4b{i}" for i in range(5))
PASSWORD = "Mot-de-passe-tres-secret-42"


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def d(*args) -> dict:
    return ejson_date(utc(*args))


def seed() -> dict[str, list[dict]]:
    def project(pid, name, preferences):
        return {"_id": pid, "name": name, "tags": ["chantier"], "parent": {ORG: {"type": "organizations"}},
                **({"preferences": preferences} if preferences is not None else {})}

    def ev(eid, name, start, end, project_id=P_PUBLIC, **extra):
        return {"_id": eid, "name": name, "type": "workshop", "startDate": start, "endDate": end, "allDay": False,
                "organizer": {project_id: {"type": "projects"}}, **extra}

    def action(aid, parent_type, parent_id, credits=1, finished=None, **extra):
        return {"_id": aid, "name": f"Action {aid[-2:]}", "credits": credits, "status": "todo",
                "parentType": parent_type, "parentId": parent_id, "created": 1602745200 + int(aid[-2:], 16),
                "links": {"contributors": {uid: {"type": "citoyens"} for uid in (finished or {})}},
                "finishedBy": finished or {}, **extra}

    return {
        "organizations": [
            {"_id": ORG, "name": "Tiers-lieu Exemple", "slug": "tiersLieuExemple", "type": "NGO",
             "links": {"members": {ADMIN: {"type": "citoyens", "isAdmin": True}, ALICE: {"type": "citoyens"},
                                   BOB: {"type": "citoyens"}},
                       "projects": {p: {"type": "projects"} for p in (P_PUBLIC, P_PRIVATE, P_NOPREF)}},
             "oceco": {"pole": True, "agenda": True, "account": {"textUnite": "h"}}, "created": 1575000000},
            {"_id": OTHER_ORG, "name": "Sans Oceco", "links": {}},
        ],
        "projects": [project(P_PUBLIC, "Ateliers collaboratifs", {"private": False}),
                     project(P_PRIVATE, "Bureau", {"private": True}),
                     project(P_NOPREF, "Sans préférences", None)],
        "events": [
            ev(E1, "Chantier participatif du mercredi", d(2020, 10, 21, 4, 30), d(2020, 10, 21, 10),
               timeZone="Indian/Reunion", description="Rénovation de la serre"),
            ev(E2, "Grande soirée de clôture de la saison des chantiers participatifs, avec repas partagé",
               "2020-11-02T15:00:00Z", "2020-11-02T20:00:00Z",
               description="Apporter : assiette, couverts; bonne humeur\nMerci !"),
            ev(E3, "Réunion du bureau", d(2020, 10, 22, 15), d(2020, 10, 22, 17), project_id=P_PRIVATE),
            ev(E4, "Chantier d'été", d(2020, 7, 1, 5), d(2020, 7, 1, 10), timeZone="Indian/Reunion"),
            ev(E5, "Sans date de début", None, d(2020, 10, 30, 10)),
        ],
        "actions": [
            action("5f7c1d2e3f4a5b6c7d8e9f01", "events", E1, credits=2, finished={ADMIN: "validated", ALICE: "toModerate"},
                   startDate=d(2020, 10, 21, 5), endDate=d(2020, 10, 21, 8)),
            action("5f7c1d2e3f4a5b6c7d8e9f02", "projects", P_PUBLIC, credits=-3, finished={ALICE: "validated"}),
            action("5f7c1d2e3f4a5b6c7d8e9f03", "organizations", ORG, finished={BOB: "novalidated"}),
            action("5f7c1d2e3f4a5b6c7d8e9f04", "organizations", ORG, credits="deux"),
            action("5f7c1d2e3f4a5b6c7d8e9f05", "organizations", ORG, finished={BOB: "finished"}),
            action("5f7c1d2e3f4a5b6c7d8e9f06", "events", E4, credits=4, finished={ALICE: "validated"}),
        ],
        "citoyens": [
            {"_id": ADMIN, "name": "Admin Hoarau", "email": "admin@example.org",
             "links": {"memberOf": {ORG: {"type": "organizations", "isAdmin": True}}},
             "userWallet": {ORG: {"userCredits": 2}}},
            {"_id": ALICE, "name": "Alice Payet", "email": "alice@example.org", "profilThumbImageUrl": "/upload/a.png",
             "links": {"memberOf": {ORG: {"type": "organizations"}}},
             "userWallet": {ORG: {"userCredits": 14}, OTHER_ORG: {"userCredits": 3}}},
            {"_id": BOB, "name": "Bob Grondin", "links": {"memberOf": {ORG: {"type": "organizations"}}}},
            {"_id": CAROL, "name": "Carol, pas membre", "links": {"memberOf": {}}},
        ],
        "loguseractions": [
            {"_id": "5f8f0a1b2c3d4e5f60718291", "userId": ADMIN, "organizationId": ORG,
             "actionId": "5f7c1d2e3f4a5b6c7d8e9f01", "credits": 2, "createdAt": "2020-10-21T12:04:10+04:00"},
            {"_id": "5f8f0a1b2c3d4e5f60718292", "userId": ALICE, "organizationId": ORG, "credits": 16,
             "commentaire": "Reprise du solde", "createdAt": "2020-09-01T10:00:00+04:00"},
            {"_id": "5f8f0a1b2c3d4e5f60718293", "userId": ALICE, "organizationId": ORG,
             "actionId": "5f7c1d2e3f4a5b6c7d8e9f06", "credits": -2, "commentaire": "Remboursement",
             "createdAt": "2020-10-01T10:00:00+04:00"},
            {"_id": "5f8f0a1b2c3d4e5f60718294", "userId": BOB, "organizationId": ORG, "credits": 1.5,
             "createdAt": "2020-10-02T10:00:00+04:00"},
        ],
    }


ACCOUNTS = {"admin@example.org": (PASSWORD, ADMIN), "alice@example.org": ("alice-pwd", ALICE)}


@pytest.fixture(scope="module")
def server():
    app = create_app(seed(), accounts=ACCOUNTS, clock=lambda: NOW)
    with serve_in_thread(app) as running:
        running.app = app
        yield running


@pytest.fixture(autouse=True)
def no_faults(server):
    server.app.state.faults.clear()
    server.app.state.reply_delay = 0.0
    yield
    server.app.state.faults.clear()
    server.app.state.reply_delay = 0.0


def source(server, *, email="admin@example.org", password=PASSWORD, org=ORG, **options) -> OcecoSource:
    return OcecoSource(server.url, org, email, password, **options)


def ids(records) -> list[str]:
    return [r["_id"] for r in records]


# -------------------------------------------------------------------------------------- agenda

def test_events_come_from_the_public_ical_feed(server):
    batch = source(server).fetch("events")
    assert not batch.complete and not batch.rejected  # a 2-month window, not the whole history
    assert ids(batch.records) == [E1, E2]  # private project, ended > 2 months, no start: left out
    first, second = batch.records
    assert first == {"_id": E1, "name": "Chantier participatif du mercredi", "startDate": "2020-10-21T08:30:00+04:00",
                     "endDate": "2020-10-21T14:00:00+04:00", "description": "Rénovation de la serre",
                     "timeZone": "Indian/Reunion"}
    assert second["startDate"] == "2020-11-02T15:00:00+00:00" and "timeZone" not in second
    assert second["name"].endswith("repas partagé")  # unfolded
    assert second["description"] == "Apporter : assiette, couverts; bonne humeur\nMerci !"


def test_the_feed_is_shaped_as_ical_generator_writes_it(server):
    response = httpx.get(f"{server.url}/ical/organizations/{ORG}/events")
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="calendar.ics"'
    text = response.text
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//oce.co.tools//ical-generator//FR\r\n")
    assert f"UID:{E1}@oce.co.tools" in text and "DTSTART;TZID=Indian/Reunion:20201021T083000" in text
    assert "DTSTART:20201102T150000Z" in text and "\r\n " in text  # a long SUMMARY is folded
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_unknown_organisation(server):
    response = httpx.get(f"{server.url}/ical/organizations/{OTHER_ORG}/events")
    assert response.status_code == 200 and response.json() == {"status": False, "msg": "not organizations"}
    with pytest.raises(SourceError) as excinfo:
        source(server, org=OTHER_ORG).fetch("events")
    assert_source_error(excinfo, "events", "not organizations")


def test_the_archive_needs_an_admin_token_and_goes_back_12_months(server):
    batch = source(server, archives=True).fetch("events")
    assert ids(batch.records) == [E4, E1, E2]
    with pytest.raises(SourceError) as excinfo:
        source(server, email="alice@example.org", password="alice-pwd", archives=True).fetch("events")
    assert_source_error(excinfo, "events", "pas administrateur")
    forged = httpx.get(f"{server.url}/ical/organizations/{ORG}/events/archives",
                       headers={"x-user-id": ADMIN, "x-access-token": "forged"})
    assert forged.status_code == 500 and forged.json() == {"auth": False, "message": "Failed to authenticate token."}


# ---------------------------------------------------------------------------------------- DDP

def test_organizations_projects_and_members(server):
    orgs = source(server).fetch("organizations")
    assert ids(orgs.records) == [ORG] and orgs.complete
    projects = source(server).fetch("projects")
    assert sorted(ids(projects.records)) == sorted([P_PUBLIC, P_PRIVATE, P_NOPREF]) and projects.complete
    members = source(server).fetch("citoyens")
    assert members.complete and [m["name"] for m in members.records] == ["Admin Hoarau", "Alice Payet", "Bob Grondin"]
    alice = members.records[1]
    # listMembers publishes only these fields, and only this organisation's wallet
    assert alice == {"_id": ALICE, "name": "Alice Payet", "profilThumbImageUrl": "/upload/a.png",
                     "links": {"memberOf": {ORG: {"type": "organizations"}}},
                     "userWallet": {ORG: {"userCredits": 14}}}
    assert "userWallet" not in members.records[2]  # no wallet: balance absent, not 0


def test_actions_keep_ejson_dates_and_bad_ones_are_rejected(server):
    batch = source(server).fetch("actions")
    assert not batch.complete  # actions of events ended more than 15 days ago are not published
    assert sorted(ids(batch.records)) == [f"5f7c1d2e3f4a5b6c7d8e9f0{i}" for i in (1, 2, 3)]
    first = next(a for a in batch.records if a["_id"].endswith("01"))
    assert first["startDate"] == {"$date": int(utc(2020, 10, 21, 5).timestamp() * 1000)}
    assert first["finishedBy"] == {ADMIN: "validated", ALICE: "toModerate"}
    assert sorted(reason for _, reason in batch.rejected) == [
        "crédits non entiers ('deux')", "état de participation inconnu dans finishedBy ('finished')"]


def test_the_credit_ledger_is_read_member_by_member(server):
    before = server.app.state.requests["ddp:sub:listMembersDetailHistorique"]
    batch = source(server).fetch("loguseractions")
    assert server.app.state.requests["ddp:sub:listMembersDetailHistorique"] - before == 3
    assert sorted(ids(batch.records)) == [f"5f8f0a1b2c3d4e5f6071829{i}" for i in (1, 2, 3)]
    assert [reason for _, reason in batch.rejected] == ["mouvement de crédits non entier (1.5)"]
    assert server.app.state.requests["ddp:pong"] > 0  # the client answered the server's ping


def test_the_ddp_protocol_as_a_raw_client_sees_it(server):
    url = server.url.replace("http", "ws") + "/websocket"
    with connect(url) as ws:
        def ask(message):
            ws.send(json.dumps(message))
            return json.loads(ws.recv(timeout=5))

        assert json.loads(ws.recv(timeout=5)) == {"server_id": "0"}
        assert ask({"msg": "connect", "version": "1", "support": ["1"]})["msg"] == "connected"
        assert json.loads(ws.recv(timeout=5))["msg"] == "ping"
        assert ask({"msg": "ping", "id": "p1"}) == {"msg": "pong", "id": "p1"}
        # not logged in: a publishComposite publication is ready at once, with nothing in it
        assert ask({"msg": "sub", "id": "s1", "name": "listMembers", "params": [ORG]}) == {"msg": "ready", "subs": ["s1"]}
        nosub = ask({"msg": "sub", "id": "s2", "name": "allSecrets", "params": []})
        assert nosub["msg"] == "nosub" and nosub["error"]["error"] == 404
        refused = ask({"msg": "method", "id": "1", "method": "login", "params": [{"email": "admin@example.org",
                                                                                  "pwd": "faux"}]})
        assert refused["msg"] == "result" and refused["error"]["error"] == 403
        assert json.loads(ws.recv(timeout=5)) == {"msg": "updated", "methods": ["1"]}
        login = ask({"msg": "method", "id": "2", "method": "login",
                     "params": [{"email": "admin@example.org", "pwd": PASSWORD}]})["result"]
        assert login["id"] == ADMIN and "$date" in login["tokenExpires"]
        ws.recv(timeout=5)  # updated
        resumed = ask({"msg": "method", "id": "3", "method": "login", "params": [{"resume": login["token"]}]})
        assert resumed["result"]["id"] == ADMIN


# -------------------------------------------------------------------------------------- faults

def assert_source_error(excinfo, resource: str, *fragments: str) -> None:
    message = str(excinfo.value)
    assert message.startswith(f"oceco / {resource} : ")
    assert excinfo.value.source == "oceco" and excinfo.value.resource == resource
    assert PASSWORD not in message
    for fragment in fragments:
        assert fragment in message, message


def test_wrong_password(server):
    with pytest.raises(SourceError) as excinfo:
        source(server, password="pas-le-bon-mot-de-passe").fetch("citoyens")
    assert_source_error(excinfo, "citoyens", "connexion refusée pour admin@example.org")
    assert "pas-le-bon-mot-de-passe" not in str(excinfo.value)
    assert PASSWORD not in repr(source(server)) and "***" in repr(source(server))


@pytest.mark.parametrize("resource", ["events", "actions"])
def test_server_down(resource):
    with pytest.raises(SourceError) as excinfo:
        OcecoSource(f"http://127.0.0.1:{free_port()}", ORG, "admin@example.org", PASSWORD, timeout=2).fetch(resource)
    assert_source_error(excinfo, resource, "serveur injoignable")


@pytest.mark.parametrize("resource", ["events", "citoyens"])
def test_http_500(server, resource):
    server.app.state.faults.status = 500
    with pytest.raises(SourceError) as excinfo:
        source(server).fetch(resource)
    assert_source_error(excinfo, resource, "500")


def test_timeouts(server):
    server.app.state.faults.delay = 1.0
    server.app.state.faults.routes = {"/ical/organizations/{org_id}/events"}
    with pytest.raises(SourceError) as excinfo:
        source(server, timeout=0.2).fetch("events")
    assert_source_error(excinfo, "events", "délai dépassé")
    server.app.state.faults.clear()
    server.app.state.reply_delay = 0.3  # every DDP reply is late
    with pytest.raises(SourceError) as excinfo:
        source(server, timeout=0.2).fetch("organizations")
    assert_source_error(excinfo, "organizations", "délai dépassé")


@pytest.mark.parametrize("resource, expected", [("events", "illisible"), ("actions", "JSON invalide")])
def test_malformed_answers(server, resource, expected):
    server.app.state.faults.malformed = True
    with pytest.raises(SourceError) as excinfo:
        source(server).fetch(resource)
    assert_source_error(excinfo, resource, expected)


@pytest.mark.parametrize("resource, expected", [("events", "connexion interrompue"), ("loguseractions", "fermée")])
def test_dropped_connections(server, resource, expected):
    server.app.state.faults.drop = True
    with pytest.raises(SourceError) as excinfo:
        source(server).fetch(resource)
    assert_source_error(excinfo, resource, expected)


def test_an_organisation_the_account_cannot_see_is_an_error_not_an_empty_set(server):
    with pytest.raises(SourceError) as excinfo:
        source(server, org="5de4e2f1a1b2c3d4e5f6ffff").fetch("citoyens")
    assert_source_error(excinfo, "citoyens", "introuvable")


# ----------------------------------------------------------------------------------- warehouse

def test_a_fetch_loads_into_the_warehouse(server, warehouse):
    migrate(warehouse)
    batch = source(server).fetch("actions")
    result = load_records(warehouse, "oceco", "actions", batch.records, quarantine=batch.rejected,
                          delete_missing=batch.complete)
    assert (result.rows_in, result.rows_new) == (3, 3)
    events = source(server).fetch("events")
    load_records(warehouse, "oceco", "events", events.records, delete_missing=events.complete)
    with warehouse.read() as con:
        credits = con.execute("SELECT key, (payload->>'credits')::INTEGER FROM raw_oceco.actions ORDER BY key").fetchall()
        quarantined = con.execute("SELECT count(*) FROM meta.quarantine WHERE source = 'oceco'").fetchall()
        starts = con.execute("SELECT (payload->>'startDate')::TIMESTAMPTZ FROM raw_oceco.events ORDER BY key").fetchall()
    assert [c for _, c in credits] == [2, -3, 1] and quarantined == [(2,)]
    assert starts[0][0] == utc(2020, 10, 21, 4, 30)


def test_serves_the_sandbox_organisation(warehouse):
    from sandbox.generate import generate

    sandbox = generate(seed=1, scale=0.2)
    docs = copy.deepcopy(sandbox.oceco)
    org = next(o for o in docs["organizations"] if "oceco" in o)
    admin = next(uid for uid, link in org["links"]["members"].items() if link.get("isAdmin"))
    now = datetime.combine(sandbox.today, time(12), UTC)
    app = create_app(docs, accounts={"admin@example.org": (PASSWORD, admin)}, clock=lambda: now)
    with serve_in_thread(app) as running:
        client = OcecoSource(running.url, org["_id"], "admin@example.org", PASSWORD)
        migrate(warehouse)
        for resource in ("organizations", "projects", "citoyens", "actions", "loguseractions", "events"):
            batch = client.fetch(resource)
            assert batch.records and not batch.rejected, (resource, batch.rejected[:3])
            load_records(warehouse, "oceco", resource, batch.records)
        assert len(client.fetch("citoyens").records) == sum(
            1 for link in org["links"]["members"].values() if link["type"] == "citoyens")
