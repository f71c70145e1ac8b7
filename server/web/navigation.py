"""The office menu per role: (path, French label, roles allowed, group[, roles that keep it in the bar]).
Add an entry when an area lands. Entries without a group show in the bar, and so does a role's own daily
work (the controller's control, the cashier's counter); the others fold under their group, so the bar
holds on one line at 1280 px whatever the role."""
NAVIGATION = [
    ("/", "Accueil", ("agent", "chief", "controller", "cashier", "admin"), None),
    ("/customers", "Clients", ("agent", "chief", "controller", "cashier", "admin"), None),
    ("/reports/review", "Relecture", ("chief",), None),
    ("/reports", "Comptes-rendus", ("agent", "chief", "controller", "admin"), None),
    ("/dossiers", "Dossiers", ("agent", "chief", "controller", "admin"), None),
    ("/tasks", "Tâches", ("agent", "chief", "controller", "cashier", "admin"), None),
    ("/invoices/control", "Contrôle factures", ("controller", "admin"), "Facturation", ("controller",)),
    ("/cashier", "Guichet", ("cashier", "admin"), "Facturation", ("cashier",)),
    ("/cashier/account", "Paiement d'avance", ("cashier", "admin"), "Facturation"),
    ("/dispatch", "Tournées", ("chief", "admin"), "Terrain"),
    ("/orders", "Ordres", ("agent", "chief", "controller", "admin"), "Terrain"),
    ("/orders/print", "Impression", ("agent", "chief", "admin"), "Terrain"),
    ("/devices", "Tablettes", ("chief", "admin"), "Terrain"),
    ("/invoices", "Factures", ("agent", "controller", "cashier", "admin"), "Facturation", ("agent", "cashier")),
    ("/invoices/overdue", "Impayés clôture", ("agent", "controller", "cashier", "admin"), "Facturation"),
    ("/invoices/deposits", "Dépôts non soldés", ("agent", "controller", "cashier", "admin"), "Facturation"),
    ("/invoices/transfers", "Virements de remboursement", ("agent", "admin"), "Facturation"),
    ("/letters", "Courriers", ("agent", "admin"), "Facturation"),
    ("/exports", "Exports facturation", ("agent", "admin"), "Facturation"),
    ("/indicators", "Indicateurs", ("agent", "chief", "controller", "admin"), "Pilotage"),
    ("/admin/users", "Utilisateurs", ("admin",), "Pilotage"),
    ("/admin/imports", "Import de données", ("admin",), "Pilotage"),
    ("/admin/communes", "Communes et tarifs", ("admin",), "Pilotage"),
    ("/admin/calendar", "Calendrier ouvré", ("admin",), "Pilotage"),
    ("/account/countersign-code", "Mon code de contresignature", ("chief",), "Pilotage"),
]


def menu_for(role: str) -> list[tuple[str, str]]:
    return [(path, label) for path, label, roles, *_ in NAVIGATION if role in roles]


def menu_groups_for(role: str) -> list[tuple[str | None, list[tuple[str, str]]]]:
    """[(None, [(path, label)]) for each entry of the bar, then (group, entries) for each folded group]."""
    bar: list[tuple[str | None, list[tuple[str, str]]]] = []
    groups: dict[str, list[tuple[str, str]]] = {}
    for path, label, roles, group, *inline in NAVIGATION:
        if role not in roles:
            continue
        if group is None or (inline and role in inline[0]):
            bar.append((None, [(path, label)]))
        else:
            groups.setdefault(group, []).append((path, label))
    return bar + list(groups.items())
