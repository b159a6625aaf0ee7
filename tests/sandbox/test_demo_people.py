"""The demo's accounts see their own volunteering: Oceco publishes no e-mail, so the demo ties the
demo accounts' Oceco citizens to them as an admin would, and leaves every other citizen to settle."""

import copy

from alambic.config import load_config
from sandbox.demo import DEMO_ACCOUNTS, ensure_demo_accounts, load_sandbox, settle_demo_accounts_people
from sandbox.demo_config import write_demo_config
from sandbox.generate import generate
from warehouse.build import build
from warehouse.connection import Warehouse


def test_demo_accounts_are_tied_to_their_oceco_citizens(tmp_path):
    org = generate(seed=7, scale=0.2)
    served = copy.deepcopy(org)
    for citizen in served.oceco["citoyens"]:
        citizen.pop("email", None)  # as the Oceco server publishes them
    config = load_config(write_demo_config(org, tmp_path, tmp_path / "alambic.duckdb"))
    warehouse = Warehouse.from_config(config)
    load_sandbox(warehouse, served)
    build(warehouse, config.settings())
    ensure_demo_accounts(warehouse)

    def volunteering_by_account():
        return dict(warehouse.query(
            """SELECT u.login, count(v.person_email) FROM app.users AS u
               LEFT JOIN marts.volunteer_hours AS v ON v.person_email = lower(u.email)
               GROUP BY u.login"""
        ).itertuples(index=False, name=None))

    assert set(volunteering_by_account().values()) == {0}  # nobody matched before an admin decides
    added = settle_demo_accounts_people(warehouse, org)
    accounts_with_citizens = warehouse.query(
        "SELECT count(DISTINCT person_email) AS n FROM app.person_links WHERE decided_by = 'admin'")["n"][0]
    assert added >= accounts_with_citizens > 0
    assert settle_demo_accounts_people(warehouse, org) == 0  # once only
    build(warehouse, config.settings())
    tied = warehouse.query("SELECT DISTINCT person_email FROM app.person_links")["person_email"].tolist()
    emails = warehouse.query("SELECT lower(email) AS email FROM app.users")["email"].tolist()
    assert set(tied) <= set(emails) and len(emails) == len(DEMO_ACCOUNTS)
    conflicts = warehouse.query("SELECT count(*) AS n FROM marts.people_conflicts")["n"][0]
    assert conflicts > 0  # everybody else still waits for an admin
    assert any(n > 0 for n in volunteering_by_account().values())
