"""Domain exceptions and HTTP errors turned into answers: French pages for people, JSON for the tablet."""
from flask import Flask, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException

from .errors import HTTP_MESSAGES, DomainError


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
        body, status = _answer(status, (err.name or "error").lower().replace(" ", "_"), message)
        allow = [(k, v) for k, v in err.get_headers() if k == "Allow"]  # 405 says what is allowed
        if not allow:
            return body, status
        response = make_response(body, status)
        response.headers.extend(allow)
        return response
