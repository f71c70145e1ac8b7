"""The office menu per role: (path, French label, roles allowed). Add an entry when an area lands."""
NAVIGATION = [
    ("/", "Accueil", ("agent", "chief", "controller", "cashier", "admin")),
    ("/customers", "Clients", ("agent", "chief", "controller", "cashier", "admin")),
    ("/admin/users", "Utilisateurs", ("admin",)),
    ("/admin/imports", "Import de données", ("admin",)),
    ("/admin/communes", "Communes et tarifs", ("admin",)),
    ("/devices", "Tablettes", ("chief", "admin")),
    ("/dispatch", "Tournées", ("chief", "admin")),
    ("/reports/review", "Relecture", ("chief",)),
    ("/reports", "Comptes-rendus", ("agent", "chief", "controller", "admin")),
    ("/dossiers", "Dossiers", ("agent", "chief", "controller", "admin")),
    ("/orders", "Ordres", ("agent", "chief", "controller", "admin")),
    ("/tasks", "Tâches", ("agent", "chief", "controller", "cashier", "admin")),
    ("/invoices", "Factures", ("agent", "controller", "cashier", "admin")),
    ("/letters", "Courriers", ("agent", "admin")),
    ("/orders/print", "Impression", ("agent", "chief", "admin")),
    ("/invoices/control", "Contrôle factures", ("controller", "admin")),
    ("/cashier", "Guichet", ("cashier", "admin")),
    ("/cashier/account", "Paiement d'avance", ("cashier", "admin")),
    ("/invoices/overdue", "Impayés clôture", ("agent", "controller", "cashier", "admin")),
    ("/invoices/deposits", "Dépôts non soldés", ("agent", "controller", "cashier", "admin")),
    ("/invoices/transfers", "Virements de remboursement", ("agent", "admin")),
    ("/exports", "Exports facturation", ("agent", "admin")),
    ("/indicators", "Indicateurs", ("agent", "chief", "controller", "admin")),
    ("/account/countersign-code", "Mon code de contresignature", ("chief",)),
]


def menu_for(role: str) -> list[tuple[str, str]]:
    return [(path, label) for path, label, roles in NAVIGATION if role in roles]
