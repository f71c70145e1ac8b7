"""French labels of the codes stored in the database, and the display filters of the office pages
(labels, local time, amounts): one place, registered as Jinja filters by i18n.register."""
from datetime import date, datetime

from flask import has_request_context
from flask_login import current_user

from .documents.formats import money
from .local_time import in_utility_zone

LABELS: dict[str, dict[str, str]] = {
    "dossier_type": {"DSI": "Départ client signalé", "DEP": "Départ client", "ASI": "Arrivée client signalée",
                     "INF_TELE": "Dysfonctionnement télérelève"},
    "dossier_state": {"open": "ouvert", "closed": "clos", "treated": "traité", "cancelled": "annulé"},
    "invoice_state": {"draft": "brouillon", "checked": "contrôlée", "issued": "émise", "paid": "réglée",
                      "refunded": "remboursée", "cancelled": "annulée"},
    "invoice_kind": {"closing": "Arrêt de compte", "subscription": "Abonnement", "credit_note": "Avoir",
                     "balance": "Solde", "periodic": "Périodique"},
    "role": {"agent": "Agent clientèle", "chief": "Chef de section", "technician": "Technicien",
             "controller": "Contrôle factures", "cashier": "Caisse", "admin": "Administrateur"},
    "task_state": {"open": "à faire", "done": "terminée", "cancelled": "annulée"},
    "task_outcome": {"no_answer": "sans réponse : enquête", "cancelled_by_customer": "annulé par le client",
                     "postponed": "départ décalé", "terminated": "contrat résilié", "checked": "contrôlée",
                     "done": "fait", "refused": "refusée", "accepted": "acceptée"},
    "report_outcome": {"done": "Réalisé", "absent": "Client absent", "no_access": "Pas d'accès au compteur",
                       "refused": "Refus", "anomaly": "Anomalie"},
    "report_state": {"awaiting_blobs": "photos attendues", "received": "à contresigner",
                     "countersigned": "contresigné", "accepted": "accepté", "rejected": "rejeté"},
    "reading_source": {"customer": "relevé client", "agent": "relevé agent", "radio": "radio-relève",
                       "remote": "télérelève", "estimated": "estimé"},
    "reading_mode": {"manual": "relève à pied", "radio": "radio-relève", "remote": "télérelève"},
    "order_state": {"issued": "émis", "assigned": "affecté", "reported": "compte-rendu reçu",
                    "countersigned": "contresigné", "closed": "clos", "cancelled": "annulé"},
    "order_type": {"READING": "Relevé", "CUTOFF": "Coupure", "REMOVAL": "Dépose", "CLOSURE": "Fermeture",
                   "INVESTIGATION": "Enquête"},
    "contract_state": {"active": "Actif", "terminating": "En résiliation", "terminated": "Résilié"},
    "quarantine_reason": {"rejected": "refusé par le formulaire", "mismatch": "contenu différent pour le même envoi"},
    "point_state": {"open": "ouvert", "closed": "fermé", "removed": "déposé"},
}
CLOSED_DOSSIER_STATES = ("closed", "treated", "cancelled")


def label(code, kind: str) -> str:
    """The French label of a stored code; the code itself when unknown, '—' when empty."""
    if code is None or code == "":
        return "—"
    from .i18n import translate
    return translate(LABELS.get(kind, {}).get(code, str(code)))


def local_datetime(value, pattern: str = "%d/%m/%Y %H:%M", utility: str | None = None) -> str:
    """A moment in the local time of `utility`, else of the signed-in user's utility (an electricity
    agent reads Benin time), else the product's (config TIMEZONE); naive values are UTC (SQLite)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    if not isinstance(value, datetime):
        return value.strftime("%d/%m/%Y") if isinstance(value, date) else str(value)
    return in_utility_zone(value, utility or _viewer_utility()).strftime(pattern)


def _viewer_utility() -> str | None:
    user = current_user if has_request_context() else None
    return getattr(user, "utility", None) if user is not None and user.is_authenticated else None


def amount(value, currency: str = "EUR") -> str:
    """45,00 € / -22 827 FCFA."""
    return "—" if value is None else money(value, currency or "EUR")


def register(app) -> None:
    app.jinja_env.filters["label"] = label
    app.jinja_env.filters["local_datetime"] = local_datetime
    app.jinja_env.filters["amount"] = amount
    app.jinja_env.globals["CLOSED_DOSSIER_STATES"] = CLOSED_DOSSIER_STATES
