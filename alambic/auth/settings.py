"""The [server] and [auth] sections of alambic.toml, and the cookie secret.

The cookie secret signs the session cookies. It comes from ALAMBIC_COOKIE_SECRET, or from a file
generated once beside the warehouse (never in the repository), readable by its owner only.
"""

from __future__ import annotations

import logging
import os
import secrets
import stat
from dataclasses import dataclass, field
from pathlib import Path

from alambic.config import Config, ConfigError

log = logging.getLogger("alambic.auth")

COOKIE_SECRET_ENV = "ALAMBIC_COOKIE_SECRET"
COOKIE_SECRET_FILE = "alambic.cookie_secret"
MIN_SECRET_LENGTH = 32
OAUTH_PROVIDERS = ("generic", "azure", "github", "gitlab", "google", "okta", "auth0", "bitbucket")


@dataclass(frozen=True)
class OAuthSettings:
    """Panel's OAuth / OpenID Connect login (e.g. a Keycloak or Nextcloud the collective runs)."""

    provider: str
    key: str
    secret: str
    redirect_uri: str | None = None
    extra_params: dict = field(default_factory=dict)  # e.g. AUTHORIZE_URL, TOKEN_URL, USER_URL
    encryption_key: str | None = None

    def serve_options(self) -> dict:
        """The pn.serve() keyword arguments."""
        options = dict(oauth_provider=self.provider, oauth_key=self.key, oauth_secret=self.secret,
                       oauth_extra_params=dict(self.extra_params))
        if self.redirect_uri:
            options["oauth_redirect_uri"] = self.redirect_uri
        if self.encryption_key:
            options["oauth_encryption_key"] = self.encryption_key
        return options

    def __repr__(self) -> str:  # never the secrets
        return f"OAuthSettings(provider={self.provider!r}, redirect_uri={self.redirect_uri!r})"


@dataclass(frozen=True)
class AuthSettings:
    idle_hours: float = 12.0
    max_age_hours: float = 7 * 24.0
    max_failures: int = 5
    max_failures_per_address: int = 20
    lockout_minutes: float = 5.0
    https: bool = False
    behind_proxy: bool = False
    allowed_hosts: tuple[str, ...] = ()
    cookie_secret_file: Path | None = None
    oauth: OAuthSettings | None = None

    @classmethod
    def from_config(cls, config: Config | None) -> AuthSettings:
        if config is None:
            return cls()
        server, auth = dict(config.server), dict(config.auth)
        where = f"{config.path}"
        hosts = server.get("allowed_hosts", [])
        if isinstance(hosts, str):
            hosts = [hosts]
        secret_file = auth.get("cookie_secret_file")
        if secret_file:
            secret_file = Path(secret_file)
            if not secret_file.is_absolute():
                secret_file = (config.path.parent / secret_file).resolve()
        else:
            secret_file = config.warehouse_path.parent / COOKIE_SECRET_FILE
        try:
            settings = cls(
                idle_hours=float(auth.get("session_idle_hours", 12)),
                max_age_hours=float(auth.get("session_max_hours", 7 * 24)),
                max_failures=int(auth.get("max_failures", 5)),
                max_failures_per_address=int(auth.get("max_failures_per_address", 20)),
                lockout_minutes=float(auth.get("lockout_minutes", 5)),
                https=bool(server.get("https", False)),
                behind_proxy=bool(server.get("behind_proxy", False)),
                allowed_hosts=tuple(str(h) for h in hosts),
                cookie_secret_file=secret_file,
                oauth=_oauth(auth, where),
            )
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{where} : section [auth] ou [server] invalide ({exc})") from exc
        if settings.idle_hours <= 0 or settings.max_age_hours <= 0:
            raise ConfigError(f"{where} : [auth] les durées de session doivent être positives")
        return settings

    @property
    def idle_seconds(self) -> float:
        return self.idle_hours * 3600

    @property
    def max_age_seconds(self) -> float:
        return self.max_age_hours * 3600

    def websocket_origins(self, port: int) -> list[str]:
        """Where the pages' websocket may be opened from: loopback, plus the configured host(s)."""
        origins = [f"localhost:{port}", f"127.0.0.1:{port}"]
        return origins + [h for h in self.allowed_hosts if h not in origins]


def _oauth(auth: dict, where: str) -> OAuthSettings | None:
    provider = auth.get("oauth_provider")
    if not provider:
        return None
    if provider not in OAUTH_PROVIDERS:
        known = ", ".join(OAUTH_PROVIDERS)
        raise ConfigError(f"{where} : [auth] oauth_provider {provider!r} inconnu (attendu : {known})")
    key_env = auth.get("oauth_key_env", "ALAMBIC_OAUTH_KEY")
    secret_env = auth.get("oauth_secret_env", "ALAMBIC_OAUTH_SECRET")
    key, secret = os.environ.get(key_env), os.environ.get(secret_env)
    if not key or not secret:
        raise ConfigError(
            f"{where} : [auth] oauth_provider = {provider!r} demande l'identifiant et le secret du client "
            f"dans les variables d'environnement {key_env} et {secret_env}"
        )
    extra = {str(k).upper(): str(v) for k, v in dict(auth.get("oauth_extra_params", {})).items()}
    for name in ("authorize_url", "token_url", "user_url", "logout_url", "user_key"):
        if auth.get(f"oauth_{name}"):
            extra[name.upper()] = str(auth[f"oauth_{name}"])
    encryption_env = auth.get("oauth_encryption_key_env", "ALAMBIC_OAUTH_ENCRYPTION_KEY")
    return OAuthSettings(provider=provider, key=key, secret=secret,
                         redirect_uri=auth.get("oauth_redirect_uri"), extra_params=extra,
                         encryption_key=os.environ.get(encryption_env) or None)


def cookie_secret(settings: AuthSettings) -> str:
    """ALAMBIC_COOKIE_SECRET, else the secret file (created on first use, mode 0600)."""
    from_env = os.environ.get(COOKIE_SECRET_ENV)
    if from_env:
        if len(from_env) < MIN_SECRET_LENGTH:
            raise ConfigError(f"{COOKIE_SECRET_ENV} est trop court (au moins {MIN_SECRET_LENGTH} caractères)")
        return from_env
    path = settings.cookie_secret_file
    if path is None:
        raise ConfigError(f"Aucun secret de session : définissez {COOKIE_SECRET_ENV}")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            os.chmod(path, 0o600)
            log.warning("Droits du secret de session %s ramenés à 0600", path)
        secret = path.read_text(encoding="ascii").strip()
        if len(secret) < MIN_SECRET_LENGTH:
            raise ConfigError(f"Le secret de session {path} est trop court : supprimez-le, il sera recréé")
        return secret
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.token_urlsafe(48))
    log.info("Secret de session créé : %s", path)
    return path.read_text(encoding="ascii").strip()
