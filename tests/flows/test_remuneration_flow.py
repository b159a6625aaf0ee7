"""Co-rémunération end to end on the sandbox: a member proposes, the pôle's référent·e validates,
the member's bill reaches the sandbox Odoo, the refresh flow brings it in → « facturée »; the
treasurer pays it in Odoo, the refresh → « payée ». Each member's step leaves its audit line;
« facturée » and « payée » are Odoo's answer, read by marts.remuneration_proposals: the flow
writes nothing in app.* (one direction: sources → raw → staging → marts → pages).

The refresh is the real Prefect flow (`flows.refresh.refresh`) against the sandbox servers on
loopback.
"""

from __future__ import annotations

import json
import os
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest

from alambic.config import load_config
from flows.refresh import refresh
from models import Actor, RemunerationProposal
from sandbox.demo import seed_app_rows
from sandbox.demo_config import write_demo_config
from sandbox.generate import generate
from sandbox.sources import append_sources, serve_sandbox_sources
from warehouse.connection import Warehouse
from warehouse.migrations import migrate

pytestmark = pytest.mark.usefixtures("prefect_server")


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    org = generate(seed=11, scale=0.2)
    directory = tmp_path_factory.mktemp("co-remuneration")
    with serve_sandbox_sources(org) as sources, mock.patch.dict(os.environ, sources.env):
        config_path = write_demo_config(org, directory, directory / "alambic.duckdb")
        append_sources(config_path, sources.settings, retry_delays=[0])
        config = load_config(config_path)
        warehouse = Warehouse.from_config(config)
        migrate(warehouse)
        seed_app_rows(warehouse, org.app)
        refresh(str(config_path))
        yield org, config, warehouse, sources


def one(warehouse, sql: str, params=None):
    with warehouse.read() as con:
        return con.execute(sql, params or []).fetchall()


def refresh_odoo(config):
    """The refresh flow on Odoo, the only source these steps change."""
    refresh(str(config.path), sources=["odoo"])


def test_propose_validate_invoice_pay(pipeline):
    org, config, warehouse, sources = pipeline
    # The référent·e budget of a pôle, and a member who is an Odoo partner (the same e-mail).
    referent_email, unit = one(warehouse, """
        SELECT a.person_email, a.unit_code FROM app.role_assignments AS a JOIN ref.units AS u USING (unit_code)
        WHERE a.role_code = 'referent_budget_subvention' AND a.ended_on IS NULL AND u.level = 'pole'
        ORDER BY a.unit_code LIMIT 1""")[0]
    member_email = one(warehouse, """
        SELECT email FROM staging.stg_odoo__partners WHERE email LIKE '%@%' AND NOT is_company AND email <> ?
        ORDER BY email LIMIT 1""", [referent_email])[0][0]
    member, referent = Actor("membre", member_email, "member"), Actor("referente", referent_email, "member")
    today = org.today

    # 1. The member proposes (7 h × 23,17 € = 162,19 €, an amount no other proposal has).
    form = RemunerationProposal(unit_code=unit, kind="bienveillance", mission="Bienveillance – test de bout en bout",
                                hours="7", hourly_rate="23,17", start_date=today - timedelta(days=10),
                                end_date=today - timedelta(days=3))
    form.save(warehouse, member)
    # 2. The référent·e of the pôle validates.
    form.validate_by(warehouse, referent, "Validé en cercle")
    refresh_odoo(config)
    stored = f"SELECT status, odoo_move_id FROM app.remuneration_proposals WHERE proposal_id = {form.id}"
    assert one(warehouse, stored) == [("validee", None)]
    status = f"SELECT status, odoo_move_id, paid_on FROM marts.remuneration_proposals WHERE proposal_id = {form.id}"
    assert one(warehouse, status) == [("validee", None, None)]
    assert one(warehouse, "SELECT status, counts_as, amount FROM marts.budget_lines WHERE line_key = ?",
               [f"alambic:proposal:{form.id}"]) == [("a_facturer", "engage", Decimal("162.19"))]

    # 3. The member's bill is entered in Odoo (604100 on the pôle's analytic account); refresh.
    analytic_code = one(warehouse, "SELECT min(analytic_code) FROM staging.stg_odoo__analytic_accounts "
                                   "WHERE unit_code = ?", [unit])[0][0]
    bill = sources.odoo.add_bill(member_email, (today - timedelta(days=1)).isoformat(),
                                 [("604100", 162.19, "Bienveillance – test de bout en bout", analytic_code)])
    refresh_odoo(config)
    assert one(warehouse, status) == [("facturee", bill["id"], None)]
    assert one(warehouse, stored) == [("validee", None)]  # as the référent·e left it
    # the bill counts in the budget now (réel, à payer), the proposal no longer does
    assert one(warehouse, "SELECT count(*) FROM marts.budget_lines WHERE line_key = ?",
               [f"alambic:proposal:{form.id}"]) == [(0,)]
    assert one(warehouse, "SELECT status, amount FROM marts.budget_lines WHERE reference = ? AND unit_code = ?",
               [bill["name"], unit]) == [("a_payer", Decimal("162.19"))]

    # 4. The treasurer pays it in Odoo; refresh.
    sources.odoo.pay_bill(bill["id"], today.isoformat())
    refresh_odoo(config)
    assert one(warehouse, status) == [("payee", bill["id"], today)]
    assert one(warehouse, stored) == [("validee", None)]

    # Every member's step audited: who, and the status it led to; the refreshes wrote nothing.
    steps = [(who, action, json.loads(after)["status"]) for who, action, after in one(
        warehouse, "SELECT who, action, after FROM app.audit_log WHERE table_name = 'remuneration_proposals' "
                   "AND row_id = ? ORDER BY audit_id", [form.id])]
    assert steps == [("membre", "insert", "proposee"), ("referente", "update", "validee")]
    # A second refresh with nothing new writes nothing.
    audited = "SELECT count(*) FROM app.audit_log"
    before = one(warehouse, audited)
    refresh_odoo(config)
    assert one(warehouse, audited) == before
