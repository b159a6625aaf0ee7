"""Login for the served app, the Bokeh / Panel way: an `AuthProvider` whose `get_user_async` hook
guards every page and websocket, and Tornado handlers for /login and /logout.

Flow: a page without a live session redirects to /login?next=… ; the French login form (served
here, no external asset) posts login, password and Tornado's XSRF token; a good password starts a
server-side session (alambic.auth.sessions) whose random id travels in a signed, HttpOnly cookie
(Secure behind HTTPS); `pn.state.user` gets the login from Panel's signed `user` cookie. /logout
ends the server-side session, closes that session's open pages and clears the cookies.
"""

from __future__ import annotations

import asyncio
import html
import logging
import time
import weakref
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import unquote, urlencode, urlsplit

from bokeh.server.auth_provider import AuthProvider
from tornado.ioloop import PeriodicCallback
from tornado.web import RequestHandler, decode_signed_value

from alambic.auth.accounts import AccountStore
from alambic.auth.sessions import SessionStore
from alambic.auth.settings import AuthSettings
from alambic.auth.throttle import LoginThrottle
from warehouse.connection import WarehouseBusy, WarehouseMissing

log = logging.getLogger("alambic.auth")

SESSION_COOKIE = "alambic_session"
USER_COOKIE = "user"  # the name Panel reads for pn.state.user
LOGIN_URL = "/login"
LOGOUT_URL = "/logout"
ACCOUNT_RECHECK_SECONDS = 30.0  # a disabled account is shut out within this delay
SWEEP_MILLISECONDS = 60_000

MESSAGES = {
    "wrong": "Identifiant ou mot de passe incorrect.",
    "locked": "Trop de tentatives de connexion. Pour votre sécurité, attendez quelques minutes avant de réessayer.",
    "busy": "Le serveur est occupé (mise à jour de l'entrepôt en cours) : réessayez dans un instant.",
    "missing": "L'entrepôt n'existe pas encore : lancez `alambic demo` ou `alambic build`.",
    "empty": "Indiquez votre identifiant et votre mot de passe.",
    "xsrf": "Le formulaire a expiré : rechargez la page et reconnectez-vous.",
    "logged_out": "Vous êtes déconnecté·e.",
}


# Password checks (argon2, slow on purpose) run here, one at a time, off the event loop and off the
# default executor: a burst of logins neither stalls the pages of others nor starves the executor
# that reads their accounts.
_PASSWORD_CHECKS = ThreadPoolExecutor(max_workers=1, thread_name_prefix="alambic-password")

# The login session a page request was let in with, kept on the server-side request object for
# `enter_session` (never a cookie in the session token Bokeh writes into the page).
REQUEST_SESSION_ATTRIBUTE = "alambic_login_session"


def safe_next(value: str | None) -> str:
    """Only a path of this site (no open redirect to another host): it starts with one "/", holds
    no backslash, no control character (browsers drop tabs and line breaks, so
    "/\t/host" would become "//host"), and names no scheme or host."""
    if not value or len(value) > 2000 or " " in value:  # Tornado turns control characters into spaces
        return "/"
    decoded = unquote(value)  # "/%09/host" must not become "/\t/host" on a second decoding
    for text in (value, decoded):
        if not _same_site_path(text):
            return "/"
    return value


def _same_site_path(value: str) -> bool:
    if not value.startswith("/") or value[1:2] in ("/", "\\"):
        return False
    if any(c == "\\" or ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or c in "\u2028\u2029\ufeff" for c in value):
        return False
    parts = urlsplit(value)
    return not (parts.scheme or parts.netloc)


def _http_request():
    """The HTTP request (server side) that opened the current Panel session, or None."""
    import panel as pn

    doc = pn.state.curdoc
    doc = getattr(doc, "_doc", doc)
    context = getattr(doc, "session_context", None) if doc is not None else None
    request = getattr(context, "request", None) if context is not None else None
    return getattr(request, "_request", request)  # Bokeh's proxy keeps the real request here


def request_cookie(name: str) -> str | None:
    """A cookie of the HTTP request that opened the current session, read on the server."""
    request = _http_request()
    cookies = getattr(request, "cookies", None) or {}
    cookie = cookies.get(name)
    return getattr(cookie, "value", cookie)


class AlambicAuthProvider(AuthProvider):
    """Alambic's built-in accounts (app.users) as a Bokeh auth provider."""

    def __init__(self, accounts: AccountStore, settings: AuthSettings, cookie_secret: str):
        self.accounts = accounts
        self.settings = settings
        self._secret = cookie_secret
        self.sessions = SessionStore(idle=settings.idle_seconds, max_age=settings.max_age_seconds)
        self.throttle = LoginThrottle(max_failures=settings.max_failures,
                                      max_failures_per_address=settings.max_failures_per_address,
                                      window=settings.lockout_minutes * 60, lockout=settings.lockout_minutes * 60)
        self._accounts_seen: dict[str, tuple[bool, float]] = {}  # login → (active, when checked)
        self._live: dict[str, weakref.WeakSet] = {}  # session id → open pages (Bokeh documents)
        self._sweeper: PeriodicCallback | None = None
        super().__init__()

    def __repr__(self) -> str:
        return f"AlambicAuthProvider({self.accounts.warehouse.path})"

    # -- Bokeh's hooks -------------------------------------------------------------------------

    @property
    def get_user_async(self):
        return self._current_login

    @property
    def login_url(self) -> str:
        return LOGIN_URL

    @property
    def login_handler(self):
        return LoginHandler

    @property
    def logout_url(self) -> str:
        return LOGOUT_URL

    @property
    def logout_handler(self):
        return LogoutHandler

    async def _current_login(self, handler: RequestHandler) -> str | None:
        """Every page, websocket and static file request: the login of a live session, or None."""
        self._start_sweeper()
        sid = self.session_id(handler.get_cookie(SESSION_COOKIE))
        login = self.sessions.login_for(sid)
        if login is None:
            return None
        if not await self._is_active(login):
            self.sessions.end(sid)
            return None
        # the page built from this request finds its login session here (enter_session)
        setattr(handler.request, REQUEST_SESSION_ATTRIBUTE, sid)
        return login

    # -- cookies -------------------------------------------------------------------------------

    def session_id(self, signed_value: str | None) -> str | None:
        if not signed_value:
            return None
        value = decode_signed_value(self._secret, SESSION_COOKIE, signed_value,
                                    max_age_days=self.settings.max_age_hours / 24)
        return value.decode() if value else None

    def is_https(self, handler: RequestHandler) -> bool:
        forwarded = handler.request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
        return self.settings.https or handler.request.protocol == "https" or forwarded == "https"

    def cookie_options(self, handler: RequestHandler) -> dict:
        return dict(httponly=True, samesite="Lax", secure=self.is_https(handler), path="/")

    # -- accounts ------------------------------------------------------------------------------

    async def _is_active(self, login: str) -> bool:
        seen = self._accounts_seen.get(login)
        if seen and time.monotonic() - seen[1] < ACCOUNT_RECHECK_SECONDS:
            return seen[0]
        try:
            account = await asyncio.get_running_loop().run_in_executor(None, self.accounts.get, login)
        except (WarehouseBusy, WarehouseMissing):
            return seen[0] if seen else True  # the session was checked at login; decide at next look
        active = account is not None and account.active
        self._accounts_seen[login] = (active, time.monotonic())
        return active

    def forget_account(self, login: str) -> None:
        self._accounts_seen.pop(login, None)

    # -- the Panel session ---------------------------------------------------------------------

    def enter_session(self):
        """Called as a page is built: bind the Panel session to its account (dashboards.session).

        Returns the User, or None if the login session ended in between (the page then says so).
        """
        import panel as pn

        from alambic.users import User
        from dashboards.session import bind_user

        sid = getattr(_http_request(), REQUEST_SESSION_ATTRIBUTE, None)
        login = self.sessions.login_for(sid)
        account = self.accounts.get(login) if login else None
        if account is None or not account.active:
            return None
        user = User.from_account(account)
        bind_user(user)
        doc = pn.state.curdoc
        doc = getattr(doc, "_doc", doc)
        if doc is not None:
            self._live.setdefault(sid, weakref.WeakSet()).add(doc)
            doc.on_change(self._activity_callback(sid))
        return user

    def _activity_callback(self, sid: str):
        def page_changed(event):  # what happens in an open page counts as activity
            self.sessions.login_for(sid)

        return page_changed

    def _start_sweeper(self) -> None:
        if self._sweeper is None:
            self._sweeper = PeriodicCallback(self._sweep, SWEEP_MILLISECONDS)
            self._sweeper.start()

    async def _sweep(self) -> None:
        """Close the open pages of sessions that ended (expired, or account disabled)."""
        for sid, docs in list(self._live.items()):
            login = self.sessions.login_for(sid, touch=False)
            if login is None or not await self._is_active(login):
                self.sessions.end(sid)
                self.close_pages(sid)

    def close_pages(self, sid: str | None) -> int:
        """Close the websockets of the pages opened under this login session."""
        closed = 0
        for doc in list(self._live.pop(sid, ()) if sid else ()):
            try:
                session = doc.session_context._session if doc.session_context else None
                for connection in list(getattr(session, "_subscribed_connections", ())):
                    connection._socket.close()
                    closed += 1
            except Exception:  # Bokeh internals: best effort, the session is already ended
                log.debug("page not closed", exc_info=True)
        return closed


class OAuthBridge:
    """With OAuth / OpenID Connect, Panel's provider logs people in; Alambic still needs an active
    account (matched by e-mail, else by login) to know the role, and refuses everyone else."""

    def __init__(self, accounts: AccountStore):
        self.accounts = accounts

    def account_for(self, user: str | None, user_info: dict | None):
        info = user_info or {}
        for email in (info.get("email"), user if user and "@" in user else None):
            if email and (account := self.accounts.find_by_email(email)) is not None:
                return account
        for login in (info.get("preferred_username"), user):
            if login and "@" not in login and (account := self.accounts.get(login)) is not None:
                return account
        return None

    def authorize(self, user_info: dict | None) -> bool:
        """pn.config.authorize_callback: only people with an active Alambic account."""
        import panel as pn

        try:
            account = self.account_for(pn.state.user, user_info)
        except (WarehouseBusy, WarehouseMissing):
            return False
        return account is not None and account.active

    def enter_session(self):
        import panel as pn
        from panel.util import decode_token
        from tornado.web import decode_signed_value

        from alambic.users import User
        from dashboards.session import bind_user

        # From the HTTP request, on the server: the session token in the page carries no cookie.
        def signed(name):
            value = request_cookie(name)
            decoded = decode_signed_value(pn.config.cookie_secret, name, value) if value else None
            return decoded

        user = signed("user")
        id_token = signed("id_token")
        if id_token is not None:
            id_token = pn.state._decrypt_cookie(id_token)
        account = self.account_for(user.decode() if user else None, decode_token(id_token) if id_token else None)
        if account is None or not account.active:
            return None
        user = User.from_account(account)
        bind_user(user)
        return user


class _AuthPage(RequestHandler):
    """The login and logout pages: French, self-contained, never cached."""

    @property
    def provider(self) -> AlambicAuthProvider:
        return self.application.auth_provider

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Frame-Options", "DENY")
        self.set_header("Content-Security-Policy",
                        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                        "frame-ancestors 'none'; base-uri 'none'")
        self.set_header("Referrer-Policy", "same-origin")
        self.set_header("X-Content-Type-Options", "nosniff")

    def remote_address(self) -> str:
        return self.request.remote_ip or "?"

    def write_error(self, status_code: int, **kwargs) -> None:
        message = MESSAGES["xsrf"] if status_code == 403 else "Une erreur est survenue."
        self.finish(login_page(message=message, login="", next_url="/", xsrf_form_html=""))


class LoginHandler(_AuthPage):
    async def get(self) -> None:
        next_url = safe_next(self.get_argument("next", "/"))
        if await self.provider._current_login(self):
            self.redirect(next_url)
            return
        notice = MESSAGES["logged_out"] if self.get_argument("sortie", None) else ""
        self.finish(login_page(notice=notice, next_url=next_url, xsrf_form_html=self.xsrf_form_html()))

    async def post(self) -> None:
        if not self.settings.get("xsrf_cookies"):
            self.check_xsrf_cookie()  # always, even if the server was started without it
        login = self.get_body_argument("login", "").strip().lower()
        password = self.get_body_argument("password", "")
        next_url = safe_next(self.get_body_argument("next", "/"))
        address = self.remote_address()
        provider = self.provider

        def refuse(status: int, key: str) -> None:
            self.set_status(status)
            self.finish(login_page(message=MESSAGES[key], login=login, next_url=next_url,
                                   xsrf_form_html=self.xsrf_form_html()))

        if not login or not password:
            refuse(400, "empty")
            return
        # reserved before the password is checked: concurrent attempts count against the limit
        if not provider.throttle.reserve(login, address):
            log.warning("Connexion refusée (trop de tentatives) depuis %s", address)
            refuse(429, "locked")
            return
        try:
            account = await asyncio.get_running_loop().run_in_executor(
                _PASSWORD_CHECKS, provider.accounts.authenticate, login, password)
        except WarehouseBusy:
            provider.throttle.release(login, address)
            refuse(503, "busy")
            return
        except WarehouseMissing:
            provider.throttle.release(login, address)
            refuse(503, "missing")
            return
        except BaseException:
            provider.throttle.release(login, address)
            raise
        if account is None:
            provider.throttle.failure(login, address)
            # not the login: it may be a password typed in the wrong field
            log.warning("Échec de connexion depuis %s", address)
            locked = provider.throttle.locked_for(login, address)
            refuse(429 if locked else 401, "locked" if locked else "wrong")
            return
        provider.throttle.success(login, address)
        provider.forget_account(account.login)
        sid = provider.sessions.start(account.login)
        options = provider.cookie_options(self)
        self.set_signed_cookie(SESSION_COOKIE, sid, expires_days=None, **options)
        self.set_signed_cookie(USER_COOKIE, account.login, expires_days=None, **options)
        log.info("Connexion de %s depuis %s", account.login, address)
        self.redirect(next_url)


class LogoutHandler(_AuthPage):
    def get(self) -> None:
        self._logout()

    def post(self) -> None:
        self._logout()

    def _logout(self) -> None:
        provider = self.provider
        sid = provider.session_id(self.get_cookie(SESSION_COOKIE))
        login = provider.sessions.end(sid)
        provider.close_pages(sid)
        for name in (SESSION_COOKIE, USER_COOKIE):
            self.clear_cookie(name, path="/")
        if login:
            log.info("Déconnexion de %s", login)
        self.redirect(LOGIN_URL + "?" + urlencode({"sortie": "1"}))


PAGE_CSS = """
:root { color-scheme: light; }
body { margin: 0; min-height: 100vh; display: flex; align-items: center; justify-content: center;
       background: #eef3f1; color: #1d2b36;
       font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { background: #fff; padding: 32px 36px; border-radius: 8px; width: 340px;
       box-shadow: 0 2px 12px rgba(0,0,0,.08); border-top: 6px solid #2f6f5e; }
h1 { margin: 0 0 2px 0; font-size: 1.6em; color: #2f6f5e; }
p.site { margin: 0 0 22px 0; color: #6b7680; font-size: .9em; }
label { display: block; margin: 14px 0 4px 0; font-weight: 600; font-size: .92em; }
input[type=text], input[type=password] { width: 100%; box-sizing: border-box; padding: 8px 10px;
       font-size: 1em; border: 1px solid #b9c4c0; border-radius: 4px; }
input:focus { outline: 2px solid #2f6f5e; border-color: #2f6f5e; }
button { margin-top: 22px; width: 100%; padding: 10px; font-size: 1em; font-weight: 600;
         background: #2f6f5e; color: #fff; border: 0; border-radius: 4px; cursor: pointer; }
button:hover { background: #275c4e; }
.message { margin: 0 0 10px 0; padding: 10px 12px; border-radius: 4px; font-size: .92em; }
.error { background: #fbeaea; color: #8a1c1c; border: 1px solid #f0c4c4; }
.notice { background: #e8f0ed; color: #1d4d40; border: 1px solid #c5dcd4; }
"""


def login_page(*, message: str = "", notice: str = "", login: str = "", next_url: str = "/",
               xsrf_form_html: str = "") -> str:
    """The French login form; every value from the request is escaped."""
    esc = html.escape
    parts = []
    if message:
        parts.append(f'<p class="message error" role="alert" id="login-error">{esc(message)}</p>')
    if notice:
        parts.append(f'<p class="message notice" role="status">{esc(notice)}</p>')
    return f"""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Connexion · Alambic</title>
<style>{PAGE_CSS}</style>
</head>
<body>
<main>
<h1>Alambic</h1>
<p class="site">La Raffinerie · outil de gestion interne</p>
{''.join(parts)}
<form method="post" action="{LOGIN_URL}" autocomplete="on">
{xsrf_form_html}
<input type="hidden" name="next" value="{esc(next_url)}">
<label for="login">Identifiant</label>
<input type="text" id="login" name="login" value="{esc(login)}" autocomplete="username"
       autocapitalize="none" spellcheck="false" required autofocus>
<label for="password">Mot de passe</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit">Se connecter</button>
</form>
</main>
</body>
</html>"""
