"""Domain exceptions raised by the services (French messages) and the French wording of HTTP statuses.
Plain Python: services import it; the answers built from them live in `error_pages`."""

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
