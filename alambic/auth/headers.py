"""Security headers on every response of the served app (pages, static files, login, errors).

A Tornado output transform (`pn.serve(transforms=[SecurityHeaders])`): it adds a strict
Content-Security-Policy, `X-Content-Type-Options: nosniff`, `Referrer-Policy: same-origin` and
`X-Frame-Options: DENY` to every answer that does not set its own (the login page sets a
stricter policy of its own, kept as is).

The policy is what Bokeh and Panel really need, checked by loading every page in Chromium and
watching for violations (tests/security/test_headers.py):
- everything from this server only (`'self'`; no other host, ever: Alambic is offline);
- scripts: `'unsafe-inline'` for the inline scripts Bokeh writes in each page (they carry the
  document) and the inline handlers of Panel's template, `'unsafe-eval'` for the code Bokeh and
  Panel compile in the browser (JS callbacks, ReactiveHTML), `blob:` for the scripts Bokeh's
  JavaScript builds in the browser and loads as blobs;
- styles: `'unsafe-inline'` (Bokeh and Panel style their shadow roots inline);
- images and fonts: also `data:` and `blob:` (icons, chart exports);
- websockets: `'self'` covers ws:// and wss:// of the same host; `blob:` lets Panel's module loader
  read the modules the page itself made (dashboards/lazy.py's component is one), nothing remote;
- no frame can hold a page (`frame-ancestors 'none'`), no plugin, no `<base>` elsewhere.
"""

from __future__ import annotations

from tornado.web import OutputTransform

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self' blob:",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
])

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


class SecurityHeaders(OutputTransform):
    """Adds SECURITY_HEADERS to each response that does not set them itself."""

    def transform_first_chunk(self, status_code, headers, chunk, finishing):
        for name, value in SECURITY_HEADERS.items():
            if name not in headers:
                headers[name] = value
        return status_code, headers, chunk
