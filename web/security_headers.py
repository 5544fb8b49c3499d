"""Security headers on every answer, the fast path's included.

A WSGI layer outermost, so that a 304 or a cached body written before Flask
runs carries them as well. The Content-Security-Policy allows this server's
own scripts, styles, images (and ``data:`` images: the empty favicon) and
nothing inline: no page needs an inline script, handler or style attribute.

And (issue 20): behind TLS (the scheme as a trusted proxy tells it, through
ProxyFix) every cookie is ``Secure`` and HSTS is sent; console pages and pages
opened with a terminal's ``?token=`` (provisioning) are never stored by any cache
(``Cache-Control: no-store``): they show personal data and secrets.
"""

from __future__ import annotations

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "media-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = [
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
]
_NAMES = {name.lower() for name, _ in HEADERS}
HSTS = ("Strict-Transport-Security", "max-age=31536000")
CONSOLE = "/admin"


def _never_stored(environ, headers) -> bool:
    path = environ.get("PATH_INFO", "")
    if path.startswith(CONSOLE) and "/static/" not in path:
        return True
    if "token=" not in environ.get("QUERY_STRING", ""):
        return False
    kind = next((v for n, v in headers if n.lower() == "content-type"), "")
    return kind.startswith("text/html")


def _secure_cookie(header: tuple[str, str]) -> tuple[str, str]:
    name, value = header
    if name.lower() == "set-cookie" and "; secure" not in value.lower():
        return name, value + "; Secure"
    return header


def frameable_by_own_pages(response):
    """The one exception to 'never framed': a page this server's own pages embed
    (the console's preview plays the wall player in an iframe). Same origin only;
    the layer below keeps headers a view has set."""
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
        "frame-ancestors 'none'", "frame-ancestors 'self'"
    )
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


class SecurityHeaders:
    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        def start(status, headers, exc_info=None):
            present = {name.lower() for name, _ in headers} & _NAMES
            extra = [h for h in HEADERS if h[0].lower() not in present]
            if _never_stored(environ, headers):
                headers = [h for h in headers if h[0].lower() != "cache-control"]
                extra.append(("Cache-Control", "no-store"))
            if environ.get("wsgi.url_scheme") == "https":
                headers = [_secure_cookie(h) for h in headers]
                extra.append(HSTS)
            return start_response(status, [*headers, *extra], exc_info)

        return self.wsgi_app(environ, start)
