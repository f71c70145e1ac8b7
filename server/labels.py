"""French labels of the codes stored in the database: plain data, read by services, PDFs and pages alike."""
from .i18n import translate

LABELS: dict[str, dict[str, str]] = {
    "dossier_type": {"DSI": "Départ client signalé", "DEP": "Départ client", "ASI": "Arrivée client signalée",
                     "INF_TELE": "Dysfonctionnement télérelève"},
    "dossier_branch": {"predecessor": "Information par le prédécesseur", "third_party": "Information par un tiers",
                       "field": "Information du terrain", "vacant": "Logement vacant"},
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
    "point_kind": {"water": "Eau potable", "sewage": "Assainissement", "elec_bt": "Électricité basse tension",
                   "elec_mt": "Électricité moyenne tension"},
    "service": {"water": "Eau potable", "sewage": "Assainissement", "electricity": "Électricité"},
    "customer_kind": {"person": "Particulier", "organisation": "Personne morale"},
    "customer_status": {"customer": "Client", "prospect": "Futur client"},
    "payment_direction": {"collect": "Paiement reçu", "refund": "Remboursement"},
    "payment_method": {"counter": "au guichet", "transfer": "par virement"},
    "channel": {"email": "Courriel", "sms": "SMS"},
}
CLOSED_DOSSIER_STATES = ("closed", "treated", "cancelled")


def label(code, kind: str) -> str:
    """The French label of a stored code; the code itself when unknown, '—' when empty."""
    if code is None or code == "":
        return "—"
    return translate(LABELS.get(kind, {}).get(code, str(code)))
