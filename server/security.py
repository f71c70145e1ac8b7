"""HTTP security headers on every answer (PITFALLS 21)."""
from flask import Flask, request

# Orders, invoices, letters, exports, photos; office pages and the tablet API's answers name customers too, and a
# lost tablet's or a shared office PC's disk cache must not give them away (issue 12).
PERSONAL_TYPES = ("application/pdf", "text/csv", "image/", "text/html", "application/json")
SHARED_PREFIXES = ("/static/", "/app/", "/favicon.ico")  # the app's own files, the same for everyone

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def register(app: Flask) -> None:
    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if is_personal_document(response.mimetype, request.path):
            response.headers["Cache-Control"] = "private, no-store"  # never in a shared or disk cache
            response.headers.pop("Expires", None)
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response


def is_personal_document(mimetype: str | None, path: str) -> bool:
    """Photos, PDFs, CSV exports, office pages and API answers carry personal data (W24); the app's own files
    do not."""
    return bool(mimetype) and mimetype.startswith(PERSONAL_TYPES) and not path.startswith(SHARED_PREFIXES)
