"""Bad bytes stop at the door (issue 12, DESIGN §8): a NUL byte or invalid UTF-8 in the path, the query string,
a header, a form or a JSON body gets a 400 with a clear French message before any view or database sees it
(PostgreSQL refuses NUL in text and would answer 500). Registered by create_app."""
import re
from urllib.parse import unquote_to_bytes

from flask import Flask, current_app, request

from .errors import DomainError

TEXT_BODIES = ("application/x-www-form-urlencoded", "application/json", "text/plain")
JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)  # "\u0000" inside a JSON string


class BadBytes(DomainError):
    status = 400
    code = "invalid_request"  # the API's code for a request it cannot read


def clean_bytes(raw: bytes, where: str) -> None:
    """Refuse NUL bytes and byte sequences that are not UTF-8."""
    if b"\x00" in raw:
        raise BadBytes(f"Caractère nul refusé dans {where}.")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadBytes(f"Caractères invalides dans {where} : le texte doit être encodé en UTF-8.") from None


def url_decoded(raw: bytes) -> bytes:
    return unquote_to_bytes(raw.replace(b"+", b" "))


def _wsgi_bytes(value: str) -> bytes:
    """WSGI carries bytes as latin-1 strings."""
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogateescape")


def check_request() -> None:
    environ = request.environ
    clean_bytes(_wsgi_bytes(environ.get("PATH_INFO", "")), "l'adresse")
    clean_bytes(url_decoded(request.query_string), "les paramètres de l'adresse")
    for name, value in request.headers.items():
        if "\x00" in name or "\x00" in value:
            raise BadBytes("Caractère nul refusé dans un en-tête de la requête.")
    check_body()


def check_body() -> None:
    """Form and JSON bodies (photos and signatures are binary: not looked at here)."""
    mimetype = request.mimetype
    if mimetype == "multipart/form-data":
        for key, value in request.form.items(multi=True):
            clean_bytes(f"{key}{value}".encode("utf-8", "surrogateescape"), "le formulaire")
        return
    if not (mimetype in TEXT_BODIES or mimetype.endswith("+json")) or not request.content_length:
        return
    limit = getattr(current_app.view_functions.get(request.endpoint), "max_body_bytes", None)
    if limit:
        request.max_content_length = limit  # the route's own bound applies before the body is read
    raw = request.get_data(cache=True)
    if mimetype == "application/x-www-form-urlencoded":
        clean_bytes(url_decoded(raw), "le formulaire")
        return
    clean_bytes(raw, "le contenu envoyé")
    if JSON_NUL.search(raw):
        raise BadBytes("Caractère nul (\\u0000) refusé dans le contenu envoyé.")


def register(app: Flask) -> None:
    """First of the before-request functions, ahead of the CSRF check that parses the form."""
    app.before_request_funcs.setdefault(None, []).insert(0, check_request)
