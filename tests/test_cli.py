"""The `alambic` command as a user runs it (a real subprocess)."""

import subprocess
import sys

import pytest


def alambic(*args, **kwargs):
    return subprocess.run(
        [sys.executable, "-m", "alambic.cli", *args], capture_output=True, text=True, timeout=120, **kwargs
    )


def test_help_lists_every_command_in_french():
    result = alambic("--help")
    assert result.returncode == 0
    for command in ["demo", "serve", "sync", "build", "schedule", "sql", "backup", "restore", "users", "export"]:
        assert command in result.stdout
    assert "l'outil de gestion interne" in result.stdout


@pytest.mark.parametrize("command", [["sync", "odoo"], ["schedule"], ["sql", "SELECT 1"], ["backup"], ["users", "add"]])
def test_a_command_not_built_yet_says_so_and_fails(command):
    result = alambic(*command)
    assert result.returncode == 2
    assert "n'est pas encore disponible" in result.stderr


def test_a_missing_configuration_is_a_clear_error(tmp_path):
    result = alambic("--config", str(tmp_path / "absent.toml"), "build")
    assert result.returncode == 1
    assert "Fichier de configuration introuvable" in result.stderr
