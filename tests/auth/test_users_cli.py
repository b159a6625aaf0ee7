"""`alambic users …` as an administrator runs it: a real subprocess, the password on stdin."""

import subprocess
import sys

import pytest

from tests.conftest import small_config

PASSWORD = "motdepasse-solide"


def alambic(config, *args, stdin: str | None = None):
    return subprocess.run([sys.executable, "-m", "alambic.cli", "--config", str(config.path), *args],
                          input=stdin, capture_output=True, text=True, timeout=120)


@pytest.fixture
def config(tmp_path):
    return small_config(tmp_path)


def test_add_list_passwd_disable(config):
    from alambic.auth import AccountStore
    from warehouse.connection import Warehouse

    added = alambic(config, "users", "add", "Ana", "--email", "ana@exemple.re", "--role", "finance",
                    "--name", "Ana Payet", "--password-stdin", stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    assert "Compte « ana » créé (finance, ana@exemple.re)." in added.stdout
    assert PASSWORD not in added.stdout + added.stderr

    listed = alambic(config, "users", "list")
    assert listed.returncode == 0
    assert listed.stdout.splitlines()[0].split() == ["identifiant", "nom", "e-mail", "rôle", "état",
                                                     "mot", "de", "passe", "changé", "le"]
    assert "ana" in listed.stdout and "Ana Payet" in listed.stdout and "actif" in listed.stdout
    assert "argon2" not in listed.stdout

    store = AccountStore(Warehouse.from_config(config))
    assert store.authenticate("ana", PASSWORD)

    changed = alambic(config, "users", "passwd", "ana", "--password-stdin", stdin="nouveau-mot-de-passe\n")
    assert changed.returncode == 0, changed.stderr
    assert store.authenticate("ana", PASSWORD) is None
    assert store.authenticate("ana", "nouveau-mot-de-passe")

    disabled = alambic(config, "users", "disable", "ana")
    assert disabled.returncode == 0 and "désactivé" in disabled.stdout
    assert store.authenticate("ana", "nouveau-mot-de-passe") is None
    assert store.get("ana").active is False

    with Warehouse.from_config(config).read() as con:
        who = con.execute("SELECT DISTINCT who FROM app.audit_log WHERE table_name = 'users'").fetchall()
    assert who == [("cli",)]


def test_errors_are_french_and_fail(config):
    from alambic.auth import AccountStore
    from warehouse.connection import Warehouse
    from warehouse.migrations import migrate

    weak = alambic(config, "users", "add", "ana", "--email", "ana@exemple.re", "--role", "member",
                   "--password-stdin", stdin="court\n")
    assert weak.returncode == 1 and "au moins 10 caractères" in weak.stderr
    warehouse = Warehouse.from_config(config)
    migrate(warehouse)
    AccountStore(warehouse).add("ana", "ana@exemple.re", "member", PASSWORD, who="test")
    twice = alambic(config, "users", "add", "ana", "--email", "autre@exemple.re", "--role", "member",
                    "--password-stdin", stdin=PASSWORD + "\n")
    assert twice.returncode == 1 and "existe déjà" in twice.stderr
    unknown = alambic(config, "users", "passwd", "personne", "--password-stdin", stdin=PASSWORD + "\n")
    assert unknown.returncode == 1 and "Aucun compte « personne »" in unknown.stderr


def test_help_lists_the_actions():
    result = subprocess.run([sys.executable, "-m", "alambic.cli", "users", "--help"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    for action in ("add", "passwd", "disable", "list"):
        assert action in result.stdout
