"""app.users through AccountStore: validation in French, one transaction per change, audited
without the hash, authentication that refuses disabled accounts."""

import json

import pytest

from alambic.auth import AccountError, WeakPassword

PASSWORD = "motdepasse-solide"


def test_add_then_authenticate(accounts):
    account = accounts.add(" Ana ", "Ana@Exemple.RE", "member", PASSWORD, display_name="Ana Payet", who="cli")
    assert (account.login, account.email, account.role, account.name, account.active) == (
        "ana", "ana@exemple.re", "member", "Ana Payet", True)
    assert PASSWORD not in repr(account) and "argon2" not in repr(account)
    assert accounts.authenticate("ANA", PASSWORD) == account
    assert accounts.authenticate("ana", "mauvais-mot-de-passe") is None
    assert accounts.authenticate("personne", PASSWORD) is None
    assert accounts.authenticate("<script>", PASSWORD) is None
    assert accounts.find_by_email("ANA@exemple.re").login == "ana"


def test_refusals_are_french(accounts):
    accounts.add("ana", "ana@exemple.re", "member", PASSWORD, who="cli")
    with pytest.raises(AccountError, match="existe déjà"):
        accounts.add("ana", "autre@exemple.re", "member", PASSWORD, who="cli")
    with pytest.raises(AccountError, match="déjà celle d'un autre compte"):
        accounts.add("anna", "ana@exemple.re", "member", PASSWORD, who="cli")
    with pytest.raises(AccountError, match="Identifiant invalide"):
        accounts.add("a b", "ab@exemple.re", "member", PASSWORD, who="cli")
    with pytest.raises(AccountError, match="Adresse e-mail invalide"):
        accounts.add("bob", "bob-at-exemple.re", "member", PASSWORD, who="cli")
    with pytest.raises(AccountError, match="Rôle inconnu"):
        accounts.add("bob", "bob@exemple.re", "root", PASSWORD, who="cli")
    with pytest.raises(WeakPassword):
        accounts.add("bob", "bob@exemple.re", "member", "court", who="cli")
    with pytest.raises(AccountError, match="Aucun compte"):
        accounts.disable("personne", who="cli")
    assert [a.login for a in accounts.all()] == ["ana"]


def test_disable_passwd_enable(accounts):
    accounts.add("ana", "ana@exemple.re", "finance", PASSWORD, who="cli")
    accounts.disable("ana", who="cli")
    assert accounts.authenticate("ana", PASSWORD) is None
    accounts.enable("ana", who="cli")
    assert accounts.authenticate("ana", PASSWORD) is not None
    changed = accounts.set_password("ana", "nouveau-mot-de-passe", who="cli")
    assert changed.row_version == 4
    assert accounts.authenticate("ana", PASSWORD) is None
    assert accounts.authenticate("ana", "nouveau-mot-de-passe").login == "ana"


def test_every_change_is_audited_without_the_hash(accounts, warehouse):
    accounts.add("ana", "ana@exemple.re", "member", PASSWORD, who="cli")
    accounts.set_password("ana", "nouveau-mot-de-passe", who="cli")
    accounts.disable("ana", who="cli")
    with warehouse.read() as con:
        rows = con.execute("""SELECT who, table_name, action, before::VARCHAR, after::VARCHAR
                              FROM app.audit_log ORDER BY audit_id""").fetchall()
    assert [(r[0], r[1], r[2]) for r in rows] == [("cli", "users", "insert"), ("cli", "users", "update"),
                                                   ("cli", "users", "update")]
    for row in rows:
        text = f"{row[3]} {row[4]}"
        assert "argon2" not in text and "password_hash" not in text and PASSWORD not in text
    assert json.loads(rows[1][4])["password_changed"] is True
    assert json.loads(rows[2][3])["active"] is True and json.loads(rows[2][4])["active"] is False


def test_a_failed_write_leaves_nothing(accounts, warehouse, monkeypatch):
    import alambic.auth.accounts as module

    def broken_audit(*args, **kwargs):
        raise RuntimeError("panne")

    monkeypatch.setattr(module, "_audit", broken_audit)
    with pytest.raises(RuntimeError):
        accounts.add("ana", "ana@exemple.re", "member", PASSWORD, who="cli")
    assert accounts.get("ana") is None
