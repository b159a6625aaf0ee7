"""[server] / [auth] settings, the cookie secret kept outside the repository, and the OAuth wiring."""

import os
import stat

import pytest

from alambic.auth.settings import COOKIE_SECRET_ENV, AuthSettings, cookie_secret
from alambic.config import ConfigError, load_config
from tests.conftest import small_config


def with_sections(tmp_path, text: str):
    config = small_config(tmp_path)
    config.path.write_text(config.path.read_text(encoding="utf-8") + "\n" + text, encoding="utf-8")
    return load_config(config.path)


def test_defaults(tmp_path):
    settings = AuthSettings.from_config(small_config(tmp_path))
    assert (settings.idle_hours, settings.max_failures, settings.lockout_minutes, settings.https) == (12, 5, 5, False)
    assert settings.oauth is None
    assert settings.cookie_secret_file == tmp_path / "alambic.cookie_secret"
    assert settings.websocket_origins(5006) == ["localhost:5006", "127.0.0.1:5006"]


def test_server_and_auth_sections(tmp_path):
    config = with_sections(tmp_path, """
[server]
allowed_hosts = ["alambic.laraffinerie.re"]
https = true

[auth]
session_idle_hours = 2
max_failures = 3
lockout_minutes = 10
""")
    settings = AuthSettings.from_config(config)
    assert settings.https and settings.idle_seconds == 7200 and settings.max_failures == 3
    assert settings.websocket_origins(5006)[-1] == "alambic.laraffinerie.re"


def test_cookie_secret_is_made_once_owner_only(tmp_path, monkeypatch):
    monkeypatch.delenv(COOKIE_SECRET_ENV, raising=False)
    settings = AuthSettings(cookie_secret_file=tmp_path / "secret" / "alambic.cookie_secret")
    first = cookie_secret(settings)
    assert len(first) >= 32
    assert stat.S_IMODE(os.stat(settings.cookie_secret_file).st_mode) == 0o600
    assert cookie_secret(settings) == first
    os.chmod(settings.cookie_secret_file, 0o644)
    assert cookie_secret(settings) == first
    assert stat.S_IMODE(os.stat(settings.cookie_secret_file).st_mode) == 0o600


def test_cookie_secret_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(COOKIE_SECRET_ENV, "x" * 40)
    settings = AuthSettings(cookie_secret_file=tmp_path / "alambic.cookie_secret")
    assert cookie_secret(settings) == "x" * 40
    assert not settings.cookie_secret_file.exists()
    monkeypatch.setenv(COOKIE_SECRET_ENV, "court")
    with pytest.raises(ConfigError, match="trop court"):
        cookie_secret(settings)


OAUTH = """
[auth]
oauth_provider = "generic"
oauth_authorize_url = "https://sso.exemple.re/realms/raffinerie/protocol/openid-connect/auth"
oauth_token_url = "https://sso.exemple.re/realms/raffinerie/protocol/openid-connect/token"
oauth_user_url = "https://sso.exemple.re/realms/raffinerie/protocol/openid-connect/userinfo"
oauth_redirect_uri = "https://alambic.exemple.re/login"
"""


def test_oauth_needs_its_secrets_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("ALAMBIC_OAUTH_KEY", raising=False)
    monkeypatch.delenv("ALAMBIC_OAUTH_SECRET", raising=False)
    with pytest.raises(ConfigError, match="ALAMBIC_OAUTH_KEY"):
        AuthSettings.from_config(with_sections(tmp_path, OAUTH))


def test_oauth_settings_become_pn_serve_options(tmp_path, monkeypatch):
    monkeypatch.setenv("ALAMBIC_OAUTH_KEY", "alambic")
    monkeypatch.setenv("ALAMBIC_OAUTH_SECRET", "secret-du-client")
    oauth = AuthSettings.from_config(with_sections(tmp_path, OAUTH)).oauth
    options = oauth.serve_options()
    assert options["oauth_provider"] == "generic"
    assert (options["oauth_key"], options["oauth_secret"]) == ("alambic", "secret-du-client")
    assert options["oauth_redirect_uri"] == "https://alambic.exemple.re/login"
    assert options["oauth_extra_params"]["TOKEN_URL"].endswith("/token")
    assert "secret-du-client" not in repr(oauth)


def test_served_with_oauth_the_login_goes_to_the_identity_provider(tmp_path, monkeypatch):
    """No real identity provider here: only that Panel's OAuth login is wired and sends people to it."""
    import httpx
    import panel as pn

    from tests.dashboards.alambic_test_server import serving
    from warehouse.connection import Warehouse

    monkeypatch.setenv("ALAMBIC_OAUTH_KEY", "alambic")
    monkeypatch.setenv("ALAMBIC_OAUTH_SECRET", "secret-du-client")
    config = with_sections(tmp_path, OAUTH)
    saved = {name: getattr(pn.config, name) for name in ("oauth_provider", "authorize_callback", "oauth_extra_params",
                                                           "oauth_key", "oauth_secret", "oauth_redirect_uri")}
    try:
        with serving(Warehouse.from_config(config), auth=True, config=config) as base:
            page = httpx.get(f"{base}/suivi-budgetaire", timeout=30)
            assert page.status_code == 302 and "login" in page.headers["location"]
            login = httpx.get(f"{base}/login", timeout=30)
            assert login.status_code == 302
            assert login.headers["location"].startswith(
                "https://sso.exemple.re/realms/raffinerie/protocol/openid-connect/auth?")
            assert "client_id=alambic" in login.headers["location"]
            assert "secret-du-client" not in login.headers["location"]
    finally:
        for name, value in saved.items():
            setattr(pn.config, name, value)
