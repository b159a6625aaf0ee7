"""The demo's three accounts: one per role, tied by e-mail to sandbox people, the member a pôle's
budget référent·e; fixed passwords that work; made once."""

from alambic.auth import AccountStore
from sandbox.demo import DEMO_ACCOUNTS, ensure_demo_accounts, print_welcome
from warehouse.migrations import migrate

ROLES = [  # (unit, role, e-mail, ended)
    ("303", "garant_cadre", "gaelle@exemple.re", None),
    ("303", "referent_budget_subvention", "damien@exemple.re", None),
    ("101", "referent_budget_subvention", "ancienne@exemple.re", "2025-01-31"),
    ("101", "referent_budget_subvention", "priscilla@exemple.re", None),
]


def test_demo_accounts(config, warehouse, capsys):
    migrate(warehouse)
    with warehouse.write() as con:
        for unit, role, email, ended in ROLES:
            con.execute("""INSERT INTO app.role_assignments (unit_code, role_code, person_email, started_on, ended_on)
                           VALUES (?, ?, ?, '2024-01-01', ?)""", [unit, role, email, ended])
    ensure_demo_accounts(warehouse)
    ensure_demo_accounts(warehouse)  # again: nothing changes, nothing fails
    store = AccountStore(warehouse)
    accounts = {a.login: a for a in store.all()}
    assert {a.role for a in accounts.values()} == {"admin", "finance", "member"}
    member = next(a for a in accounts.values() if a.role == "member")
    with warehouse.read() as con:
        held = con.execute("""SELECT unit_code FROM app.role_assignments WHERE person_email = ?
                              AND role_code = 'referent_budget_subvention' AND ended_on IS NULL""",
                           [member.email]).fetchall()
    assert held  # a pôle's budget référent·e
    assert len({a.email for a in accounts.values()}) == 3
    for login, _role, password in DEMO_ACCOUNTS:
        assert store.authenticate(login, password).login == login

    print_welcome(config, 5006)
    out = capsys.readouterr().out
    for login, _role, password in DEMO_ACCOUNTS:
        assert login in out and password in out
    assert member.email in out
