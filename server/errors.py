"""Domain exceptions and their mapping to HTTP answers (French for people, structured for the tablet)."""
from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    """A business rule refused the action; the message is French and shown to the user."""
    status = 422
    code = "refused"

    def __init__(self, message: str, fields: dict | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class IllegalTransition(DomainError):
    status = 409
    code = "illegal_transition"


HTTP_MESSAGES = {
    400: "Requête invalide.",
    401: "Authentification requise.",
    403: "Accès refusé.",
    404: "Page introuvable.",
    405: "Méthode non autorisée.",
    409: "Conflit avec l'état actuel.",
    413: "Contenu trop volumineux.",
    415: "Type de contenu non pris en charge.",
    422: "Contenu invalide.",
    429: "Trop de tentatives, réessayez plus tard.",
    500: "Erreur interne du serveur.",
}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _answer(status: int, code: str, message: str, fields: dict | None = None):
    if _wants_json():
        body = {"error": code, "message": message}
        if fields:
            body["fields"] = fields
        return jsonify(body), status
    return render_template("error.html", status=status, message=message), status


def register(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain_error(err: DomainError):
        return _answer(err.status, err.code, err.message, err.fields)

    @app.errorhandler(HTTPException)
    def _http_error(err: HTTPException):
        status = err.code or 500
        message = HTTP_MESSAGES.get(status, err.description or "Erreur.")
        if status == 400 and err.description and "CSRF" in err.description:
            message = "Le formulaire a expiré ou n'est pas authentique (jeton CSRF). Rechargez la page."
        return _answer(status, (err.name or "error").lower().replace(" ", "_"), message)
