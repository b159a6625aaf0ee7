"""Actors and small readers shared by the model tests."""

from __future__ import annotations

from models import Actor
from warehouse.connection import Warehouse

# Tree: R → 10 Les communs → 101 Outils communs ; R → 30 Jardin → 303 Potager → 30301 Jardin partagé
ADMIN = Actor("admin", "admin@exemple.re", "admin")
FINANCE = Actor("tresoriere", "tresoriere@exemple.re", "finance")
JARDIN = Actor("jardin", "Jardin@Exemple.re", "member")  # référent·e budget of the groupe 30
COMMUNS = Actor("communs", "communs@exemple.re", "member")  # référent·e budget of the pôle 101
FORMER = Actor("ancien", "ancien@exemple.re", "member")  # held the role on 303 until 2024
NOBODY = Actor("membre", "membre@exemple.re", "member")  # holds another role only


def rows(warehouse: Warehouse, sql: str, params=None) -> list[tuple]:
    with warehouse.read() as con:
        return con.execute(sql, params or []).fetchall()


def count(warehouse: Warehouse, table: str) -> int:
    return rows(warehouse, f"SELECT count(*) FROM app.{table}")[0][0]


def audit_rows(warehouse: Warehouse) -> list[dict]:
    import json

    found = rows(warehouse, "SELECT who, table_name, row_id, action, before, after FROM app.audit_log ORDER BY audit_id")
    return [
        dict(who=w, table=t, row_id=i, action=a, before=json.loads(b) if b else None, after=json.loads(f) if f else None)
        for w, t, i, a, b, f in found
    ]
