"""marts.people and marts.people_conflicts on the hand-made organisation of test_volunteer_marts:
who is matched by e-mail (case and spaces ignored), which records are conflicts and why, and how an
admin's decisions settle them — nothing is ever guessed."""

from __future__ import annotations

import pytest

from tests.sql.test_volunteer_marts import decide, rows, tiny_people_warehouse

CONFLICTS_SQL = """SELECT conflict_key, reason, candidate_emails, suggested_email, others
                   FROM marts.people_conflicts ORDER BY conflict_key"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return tiny_people_warehouse(tmp_path_factory.mktemp("personnes"))


def test_records_matched_by_email_whatever_the_case_and_spaces(built):
    warehouse, _ = built
    links = rows(warehouse, "SELECT source, source_id, resolution, person_key FROM marts.people_links ORDER BY 1, 2")
    assert links == [
        ("alambic", "alice.payet@example.org", "email", "alice.payet@example.org"),
        ("alambic", "lea.payet@example.org", "email", "lea.payet@example.org"),
        ("oceco", "C1", "email", "alice.payet@example.org"),  # « Alice.Payet@Example.org »
        ("oceco", "C2", "unresolved", "oceco:C2"),
        ("oceco", "C3", "unresolved", "oceco:C3"),
        ("oceco", "C4", "unresolved", "oceco:C4"),
        ("oceco", "C5", "unresolved", "oceco:C5"),
        ("oceco", "C6", "unresolved", "oceco:C6"),
        ("odoo", "1", "email", "alice.payet@example.org"),
        ("odoo", "2", "email", "bob.hoarau@example.org"),
        ("odoo", "4", "unresolved", "odoo:4"),  # two partners share contact@dupont.re
        ("odoo", "5", "unresolved", "odoo:5"),  # (the company « Quincaillerie » is not a person)
        ("tibillet", "alice.payet@example.org", "email", "alice.payet@example.org"),
        ("tibillet", "lea.payet2@example.org", "email", "lea.payet2@example.org"),
        ("tibillet", "public@example.com", "email", "public@example.com"),
    ]
    alice = rows(warehouse, """SELECT display_name, odoo_partner_id, tibillet_user_id, tibillet_reservations,
                                      oceco_citizen_id, unit_codes, role_codes, roles, badges, is_oceco_admin,
                                      is_member, sources, has_conflict
                               FROM marts.people WHERE email = 'alice.payet@example.org'""")
    assert alice == [("Alice Payet", 1, "alice.payet@example.org", 2, "C1", ["303"], ["garant_cadre"],
                      ["Garant·e du cadre (Potager)"], ["Bienveillant·e"], True, True,
                      ["alambic", "oceco", "odoo", "tibillet"], False)]
    # members: Oceco citizens, role holders (even past: Léa), accounts — not TiBillet- or Odoo-only people
    members = rows(warehouse, "SELECT person_key FROM marts.people WHERE is_member ORDER BY 1")
    assert members == [("alice.payet@example.org",), ("lea.payet@example.org",), ("oceco:C2",), ("oceco:C3",),
                       ("oceco:C4",), ("oceco:C5",), ("oceco:C6",)]


def test_conflicts_and_their_reasons(built):
    warehouse, _ = built
    assert rows(warehouse, CONFLICTS_SQL) == [
        ("oceco:C2", "name_match", ["bob.hoarau@example.org"], "bob.hoarau@example.org", []),
        ("oceco:C3", "shared_email", ["chloe@example.org"], "chloe@example.org", ["oceco:C4 Chloé Grondin"]),
        ("oceco:C4", "shared_email", ["chloe@example.org"], "chloe@example.org", ["oceco:C3 Chloé Grondin"]),
        ("oceco:C5", "no_email", [], None, []),
        # « lea.payet@ » and « lea.payet2@ » both read « Léa Payet »: no suggestion
        ("oceco:C6", "ambiguous_name", ["lea.payet2@example.org", "lea.payet@example.org"], None, []),
        ("odoo:4", "shared_email", ["contact@dupont.re"], "contact@dupont.re", ["odoo:5 Marie Dupont"]),
        ("odoo:5", "shared_email", ["contact@dupont.re"], "contact@dupont.re", ["odoo:4 Dupont Conseil"]),
    ]
    hours = rows(warehouse, "SELECT conflict_key, volunteer_hours FROM marts.people_conflicts WHERE volunteer_hours > 0 "
                                   "ORDER BY conflict_key")
    assert [(k, float(h)) for k, h in hours] == [("oceco:C3", 5.0), ("oceco:C6", 1.0)]


def test_settled_conflicts_leave_the_list_and_apply(tmp_path):
    warehouse, config = tiny_people_warehouse(tmp_path)
    decide(warehouse, config,
           ("oceco", "C2", "link", "Bob.Hoarau@example.org"),
           ("oceco", "C4", "distinct", None),
           ("odoo", "4", "distinct", None),
           ("oceco", "C5", "link", "zoe@example.org"))
    assert [r[0] for r in rows(warehouse, CONFLICTS_SQL)] == ["oceco:C6"]  # still to settle
    people = rows(warehouse, """SELECT person_key, email, display_name, odoo_partner_id, oceco_citizen_ids
                                FROM marts.people
                                WHERE person_key IN ('bob.hoarau@example.org', 'chloe@example.org', 'oceco:C4',
                                                     'contact@dupont.re', 'odoo:4', 'zoe@example.org')
                                ORDER BY 1""")
    assert people == [
        ("bob.hoarau@example.org", "bob.hoarau@example.org", "Bob Hoarau", 2, ["C2"]),
        ("chloe@example.org", "chloe@example.org", "Chloé Grondin", None, ["C3"]),  # C3 alone claims it now
        ("contact@dupont.re", "contact@dupont.re", "Marie Dupont", 5, []),
        ("oceco:C4", None, "Chloé Grondin", None, ["C4"]),  # distinct: a person of its own
        ("odoo:4", None, "Dupont Conseil", 4, []),
        ("zoe@example.org", "zoe@example.org", "Zoé Inconnue", None, ["C5"]),  # an e-mail no source knew
    ]
    resolutions = rows(warehouse, """SELECT source_id, resolution FROM marts.people_links
                                     WHERE source_id IN ('C2', 'C3', 'C4', 'C5', '4', '5') ORDER BY 1""")
    assert resolutions == [("4", "decision_distinct"), ("5", "email"), ("C2", "decision_link"), ("C3", "email"),
                           ("C4", "decision_distinct"), ("C5", "decision_link")]
