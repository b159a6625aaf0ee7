"""marts.volunteer_* on a tiny hand-made Oceco organisation: every figure checked against a number
computed by hand below, and how an admin's people decisions move the hours to their person.

Facts (as_of 2025-06-15, Indian/Reunion = UTC+4, hourly rate 12,50 €):

  Oceco projects  P1 « Potager » (tag Potager → 303), P2 « Ateliers » (tag « Outils communs » → 101),
                  P3 « Inconnu » (tag « Autre »: no unit → counted on R)
  Oceco events    E1 organised by P1; E2 without organiser (as the iCal feed gives it)
  Citizens        C1 Alice Payet « Alice.Payet@Example.org » (→ alice.payet@example.org, Odoo partner 1)
                  C2 Bob Hoarau, no e-mail (Odoo partner 2 bears the name)      → conflict name_match
                  C3 / C4 Chloé Grondin, both chloe@example.org                  → conflict shared_email
                  C5 Zoé Inconnue, no e-mail, nobody by that name                → conflict no_email
                  C6 Léa Payet, no e-mail; lea.payet@ (a role) and lea.payet2@ (TiBillet) → ambiguous_name
  Actions         A1 P1  3 cr  ends 10/05 12:00   C1 validated (log 3), C2 toModerate, C5 novalidated
                  A2 E1  2 cr  ends 01/06         C1 validated, the admin credited 4 (log 4)
                  A3 E2  5 cr  ends 20/04, tag « Outils communs »   C3 validated
                  A4 org −2 cr starts 05/03 (a spend)   C1 validated
                  A5 P3  1 cr  ends 31/12/2024 22:00 UTC = 01/01/2025 02:00 local   C6 validated
                  A6 P1  2 cr  no date             C3 toModerate (counted on as_of: June)
  Log             C1 +2 « réunion » 10/02 (adjustment); C1 −1 « Remboursement » (left out)
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

from alambic.config import load_config
from tests.conftest import small_config
from warehouse.build import build
from warehouse.connection import Warehouse
from warehouse.load import load_records
from warehouse.migrations import migrate

D = Decimal
REUNION = timezone(timedelta(hours=4))
ORG = "0rg000000000000000000001"


def ms(year, month, day, hour=12) -> dict:
    return {"$date": int(datetime(year, month, day, hour, tzinfo=REUNION).timestamp() * 1000)}


def action(_id, parent_type, parent_id, credits, finished, *, end=None, start=None, tags=None):
    doc = {"_id": _id, "name": f"Action {_id}", "credits": credits, "status": "todo", "parentType": parent_type,
           "parentId": parent_id, "tags": tags or [],
           "links": {"contributors": {c: {"type": "citoyens"} for c in finished}},
           "finishedBy": {c: s for c, s in finished.items() if s}}
    if end:
        doc["endDate"] = end
    if start:
        doc["startDate"] = start
    return doc


def citizen(_id, name, email=None, roles=None, admin=False):
    link = {"type": "organizations", **({"isAdmin": True} if admin else {}), **({"roles": roles} if roles else {})}
    doc = {"_id": _id, "name": name, "links": {"memberOf": {ORG: link}}, "userWallet": {ORG: {"userCredits": 0}}}
    if email is not None:
        doc["email"] = email
    return doc


OCECO = {
    "organizations": [{"_id": ORG, "name": "La Raffinerie", "oceco": {"pole": True}}],
    "projects": [
        {"_id": "P1", "name": "Potager", "tags": ["Potager"], "parent": {ORG: {"type": "organizations"}},
         "links": {"contributors": {"C1": {"type": "citoyens"}}}},
        {"_id": "P2", "name": "Ateliers", "tags": ["Outils communs"], "parent": {ORG: {"type": "organizations"}}},
        {"_id": "P3", "name": "Inconnu", "tags": ["Autre"], "parent": {ORG: {"type": "organizations"}}},
    ],
    "events": [
        {"_id": "E1", "name": "Chantier", "startDate": ms(2025, 6, 1, 8), "endDate": ms(2025, 6, 1, 12),
         "organizer": {"P1": {"type": "projects"}}},
        {"_id": "E2", "name": "Repair café", "startDate": ms(2025, 4, 20, 8), "endDate": ms(2025, 4, 20, 12)},
    ],
    "citoyens": [
        citizen("C1", "Alice Payet", " Alice.Payet@Example.org ", roles=["Bienveillant·e"], admin=True),
        citizen("C2", "Bob Hoarau"),
        citizen("C3", "Chloé Grondin", "chloe@example.org"),
        citizen("C4", "Chloé Grondin", "chloe@example.org"),
        citizen("C5", "Zoé Inconnue"),
        citizen("C6", "Léa Payet"),
    ],
    "actions": [
        action("A1", "projects", "P1", 3, {"C1": "validated", "C2": "toModerate", "C5": "novalidated"},
               end=ms(2025, 5, 10)),
        action("A2", "events", "E1", 2, {"C1": "validated"}, end=ms(2025, 6, 1)),
        action("A3", "events", "E2", 5, {"C3": "validated"}, end=ms(2025, 4, 20), tags=["Outils communs"]),
        action("A4", "organizations", ORG, -2, {"C1": "validated"}, start=ms(2025, 3, 5)),
        action("A5", "projects", "P3", 1, {"C6": "validated"},
               end={"$date": int(datetime(2024, 12, 31, 22, tzinfo=UTC).timestamp() * 1000)}),
        action("A6", "projects", "P1", 2, {"C3": "toModerate"}),
        action("A7", "projects", "P1", 4, {"C1": None}, end=ms(2025, 5, 1)),  # joined, not finished: nothing
    ],
    "loguseractions": [
        {"_id": "L1", "userId": "C1", "organizationId": ORG, "actionId": "A1", "credits": 3,
         "createdAt": "2025-05-12T10:00:00+04:00"},
        {"_id": "L2", "userId": "C1", "organizationId": ORG, "actionId": "A2", "credits": 4,
         "createdAt": "2025-06-02T10:00:00+04:00"},
        {"_id": "L3", "userId": "C1", "organizationId": ORG, "credits": 2, "commentaire": "réunion",
         "createdAt": "2025-02-10T18:00:00+04:00"},
        {"_id": "L4", "userId": "C1", "organizationId": ORG, "credits": -1, "commentaire": "Remboursement",
         "createdAt": "2025-02-11T18:00:00+04:00"},
        {"_id": "L5", "userId": "C3", "organizationId": ORG, "actionId": "A3", "credits": 5,
         "createdAt": "2025-04-22T10:00:00+04:00"},
    ],
}

PARTNERS = [
    {"id": 1, "name": "Alice Payet", "display_name": "Alice Payet", "email": "alice.payet@example.org", "is_company": False},
    {"id": 2, "name": "Bob Hoarau", "display_name": "Bob Hoarau", "email": "bob.hoarau@example.org", "is_company": False},
    {"id": 3, "name": "Quincaillerie", "display_name": "Quincaillerie", "email": "vente@quinc.re", "is_company": True},
    {"id": 4, "name": "Dupont Conseil", "display_name": "Dupont Conseil", "email": "contact@dupont.re", "is_company": False},
    {"id": 5, "name": "Marie Dupont", "display_name": "Marie Dupont", "email": "Contact@Dupont.re", "is_company": False},
]

RESERVATIONS = [
    {"uuid": "r1", "event": "ev", "user_mail": "alice.payet@example.org", "status": "V", "tickets": []},
    {"uuid": "r2", "event": "ev", "user_mail": "ALICE.payet@example.org", "status": "V", "tickets": []},
    {"uuid": "r3", "event": "ev", "user_mail": "lea.payet2@example.org", "status": "V", "tickets": []},
    {"uuid": "r4", "event": "ev", "user_mail": "public@example.com", "status": "V", "tickets": []},
]

ROLES = [  # (unit, role, e-mail, started_on, ended_on)
    ("303", "garant_cadre", "alice.payet@example.org", "2025-01-01", None),
    ("101", "referent_taches_planning", "lea.payet@example.org", "2024-01-01", "2025-01-31"),
]


def tiny_people_warehouse(directory: Path) -> tuple[Warehouse, object]:
    """The facts above in a fresh warehouse, built; rate 12,50 €/h."""
    directory.mkdir(parents=True, exist_ok=True)
    small_config(directory, as_of="2025-06-15")
    path = directory / "alambic.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("hourly_rate = 11.88", "hourly_rate = 12.5"),
                    encoding="utf-8")
    config = load_config(path)
    warehouse = Warehouse.from_config(config)
    migrate(warehouse)
    for resource, records in OCECO.items():
        load_records(warehouse, "oceco", resource, records)
    load_records(warehouse, "odoo", "res_partner", PARTNERS)
    load_records(warehouse, "tibillet", "reservations", RESERVATIONS)
    with warehouse.write("rôles de test") as con:
        for unit, role, email, started, ended in ROLES:
            con.execute("INSERT INTO app.role_assignments (unit_code, role_code, person_email, started_on, ended_on) "
                        "VALUES (?, ?, ?, ?, ?)", [unit, role, email, started, ended])
    build(warehouse, config.settings())
    return warehouse, config


def decide(warehouse: Warehouse, config, *decisions: tuple[str, str, str, str | None]) -> None:
    """Admin decisions (source, source_id, decision, e-mail) written as the model would, then a build."""
    with warehouse.write("décisions de test") as con:
        for source, source_id, decision, email in decisions:
            con.execute("INSERT INTO app.person_links (source, source_id, decision, person_email, decided_by) "
                        "VALUES (?, ?, ?, ?, 'admin')", [source, source_id, decision, email])
    build(warehouse, config.settings())


def rows(warehouse: Warehouse, sql: str) -> list[tuple]:
    with warehouse.read() as con:
        return con.execute(sql).fetchall()


HOURS_SQL = """SELECT person_key, person_email, unit_code, strftime(month, '%Y-%m'), hours_validated,
                      hours_pending, credits, credits_spent, valuation
               FROM marts.volunteer_hours ORDER BY person_key, month, unit_code"""


def test_hours_credits_and_valuation_by_hand(tmp_path):
    warehouse, _config = tiny_people_warehouse(tmp_path)
    alice = "alice.payet@example.org"
    assert rows(warehouse, HOURS_SQL) == [
        # adjustment L3 (+2 h, refund L4 left out) on R in February; spend A4 on R in March
        (alice, alice, "R", "2025-02", D("2.00"), D("0.00"), D("2.00"), D("0.00"), D("25.00")),
        (alice, alice, "R", "2025-03", D("0.00"), D("0.00"), D("-2.00"), D("-2.00"), D("0.00")),
        (alice, alice, "303", "2025-05", D("3.00"), D("0.00"), D("3.00"), D("0.00"), D("37.50")),
        # A2: the event's project is Potager; 4 h, what the admin credited, not the action's 2
        (alice, alice, "303", "2025-06", D("4.00"), D("0.00"), D("4.00"), D("0.00"), D("50.00")),
        ("oceco:C2", None, "303", "2025-05", D("0.00"), D("3.00"), D("0.00"), D("0.00"), D("0.00")),
        # A3: event without project → its tag « Outils communs »; A6 undated → as_of's month
        ("oceco:C3", None, "101", "2025-04", D("5.00"), D("0.00"), D("5.00"), D("0.00"), D("62.50")),
        ("oceco:C3", None, "303", "2025-06", D("0.00"), D("2.00"), D("0.00"), D("0.00"), D("0.00")),
        # A5 ends on 31/12/2024 at 22:00 UTC: 1 January 2025 in La Réunion; project without unit → R
        ("oceco:C6", None, "R", "2025-01", D("1.00"), D("0.00"), D("1.00"), D("0.00"), D("12.50")),
    ]
    # 3 + 4 + 2 + 5 + 1 = 15 validated hours × 12,50 € = 187,50 € ; pending 3 + 2 = 5 h
    assert rows(warehouse, """SELECT exercice, exercice_start::VARCHAR, exercice_end::VARCHAR, hours_validated,
                                     hours_pending, members, hourly_rate, valuation, account_debit, account_credit,
                                     booked_in_odoo
                              FROM marts.volunteer_valuation""") == [
        (2025, "2025-01-01", "2025-12-31", D("15.00"), D("5.00"), 3, D("12.50"), D("187.50"), "864", "875", D("0.00")),
    ]
    assert rows(warehouse, "SELECT project_id, unit_code, matched_on FROM marts.volunteer_projects ORDER BY 1") == [
        ("P1", "303", "tag"), ("P2", "101", "tag"), ("P3", None, None)]
    pending = rows(warehouse, """SELECT action_id, person_key, day::VARCHAR FROM marts.volunteer_contributions
                                 WHERE state = 'pending' ORDER BY 1""")
    assert pending == [("A1", "oceco:C2", "2025-05-10"), ("A6", "oceco:C3", "2025-06-15")]


def test_decisions_move_the_hours_to_their_person(tmp_path):
    warehouse, config = tiny_people_warehouse(tmp_path)
    decide(warehouse, config,
           ("oceco", "C2", "link", "bob.hoarau@example.org"),
           ("oceco", "C4", "distinct", None),  # the other Chloé account: C3 is then chloe@ alone
           ("oceco", "C6", "link", "lea.payet@example.org"))
    by_person = rows(warehouse, """SELECT person_key, person_name, sum(hours_validated), sum(hours_pending)
                                   FROM marts.volunteer_hours GROUP BY ALL ORDER BY 1""")
    assert by_person == [
        ("alice.payet@example.org", "Alice Payet", D("9.00"), D("0.00")),
        ("bob.hoarau@example.org", "Bob Hoarau", D("0.00"), D("3.00")),
        ("chloe@example.org", "Chloé Grondin", D("5.00"), D("2.00")),
        ("lea.payet@example.org", "Léa Payet", D("1.00"), D("0.00")),
    ]
    # the yearly total does not change with who the hours belong to
    assert rows(warehouse, "SELECT valuation, members FROM marts.volunteer_valuation") == [(D("187.50"), 3)]
