"""Who may use Alambic: accounts (app.users), password hashing, login for the served app.

- `accounts`: AccountStore over app.users (add, passwd, disable, authenticate), audited;
- `passwords`: argon2id hashing (argon2-cffi);
- `sessions`, `throttle`: server-side login sessions and the failed-login limits;
- `settings`: the [server] and [auth] sections, the cookie secret;
- `web`: the Bokeh auth provider, the /login and /logout handlers, the OAuth bridge;
- `server`: what dashboards.server.serve() passes to pn.serve.
"""

from alambic.auth.accounts import Account, AccountError, AccountStore
from alambic.auth.passwords import WeakPassword

__all__ = ["Account", "AccountError", "AccountStore", "WeakPassword"]
