"""App-wide security: fail closed in production, the proxies whose X-Forwarded-For we
believe, and the security headers every response carries (docs/security.md)."""
from __future__ import annotations

from flask import Flask, Response
from werkzeug.middleware.proxy_fix import ProxyFix

from config.settings import check_production

# Pages that set their own (stricter or looser) policy keep it: these are defaults.
CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"


def register_security(app: Flask) -> None:
    check_production(app.config)
    proxies = app.config["TRUSTED_PROXY_COUNT"]
    if proxies > 0:
        # Only the last `proxies` hops are ours; anything a client wrote before them is ignored.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    production = app.config.get("APP_ENV") == "production"

    @app.after_request
    def _headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if production:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response
