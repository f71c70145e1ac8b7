"""Importing a utility's own data (DESIGN §10): samples of both utilities in, idempotence, audit of changes,
all or nothing per file, dry run, and every refusal reason with its line, column and French message."""
from datetime import date

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import (AuditEntry, Commune, Contract, Customer, DeliveryPoint, Meter, PointContact, Reading,
                           Tariff)
from tests.integration.own_data_files import import_samples, run, write_csv

WATER_COMMUNES = "code;nom;eau;assainissement\n33318;Pessac;oui;oui\n"
WATER_POINTS_HEADER = "référence;commune;adresse;nature\n"


def counts() -> dict:
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Commune, Tariff, Customer, DeliveryPoint, PointContact, Meter, Reading, Contract, AuditEntry)}


def test_samples_of_both_utilities_import_then_reimport_unchanged_from_xlsx(app_ctx):
    for utility in ("water", "electricity"):
        results = import_samples(utility, "csv")
        assert all(r.ok and r.committed and r.updated == 0 and r.unchanged == 0 for r in results.values()), \
            {k: r.as_dict() for k, r in results.items()}
    after_csv = counts()
    assert after_csv["Commune"] == 5 and after_csv["Customer"] == 5 and after_csv["DeliveryPoint"] == 5
    assert after_csv["Meter"] == 4 and after_csv["Reading"] == 8 and after_csv["Contract"] == 5
    assert after_csv["Tariff"] == 7 and after_csv["PointContact"] == 4
    owner = db.session.scalar(select(PointContact).where(PointContact.role == "owner", PointContact.name.like("M. J%")))
    assert (owner.point.ref, owner.phone) == ("PDS-E-0002", "05 56 11 22 33")
    contract = db.session.scalar(select(Contract).where(Contract.number == "EL-2018-0001"))
    assert (contract.voltage, contract.deposit_amount, contract.deposit_payer_name, contract.iban) == \
        ("BT", 15000, "Sèdjro Houénou", "BJ38BC0610100100144390000769")
    assert contract.customer.first_name == "Sèdjro" and contract.point.commune.name == "Abomey-Calavi"
    water = db.session.scalar(select(Contract).where(Contract.number == "AB-2015-0001"))
    assert water.direct_debit and water.iban == "FR7630004000031234567890143"
    assert str(water.prepaid_until) == "2026-12-31"
    tariff = db.session.scalar(select(Tariff).join(Commune).where(Commune.code == "33318", Tariff.service == "sewage"))
    assert (str(tariff.unit_price), str(tariff.subscription_per_year), str(tariff.vat_rate)) == \
        ("1.7200", "30.00", "0.1000")
    commune = db.session.scalar(select(Commune).where(Commune.code == "33318"))
    assert commune.travel_fee_allowed and str(commune.travel_fee_amount) == "38.50" and commune.utility == "water"

    for utility in ("water", "electricity"):
        results = import_samples(utility, "xlsx")
        assert all(r.ok and r.created == 0 and r.updated == 0 and r.unchanged == r.rows for r in results.values()), \
            {k: r.as_dict() for k, r in results.items()}
    assert counts() == after_csv  # no row and no audit entry added


def test_the_same_file_twice_changes_nothing_and_writes_no_audit_entry(app_ctx, tmp_path):
    import_samples("water")
    before = counts()
    again = import_samples("water")
    assert [r.unchanged for r in again.values()] == [3, 5, 3, 3, 3, 2, 4, 3]
    assert counts() == before


def test_a_changed_row_is_updated_and_audited(app_ctx, tmp_path):
    import_samples("water")
    path = write_csv(tmp_path, "clients.csv", "nom;référence;email\nLefèvre;CLI-0001;h.lefevre@example.org\n"
                                              "Nguyen;CLI-0002;bao.nguyen@example.fr\n")
    result = run("customers", path)
    assert (result.updated, result.unchanged, result.created) == (1, 1, 0)
    customer = db.session.scalar(select(Customer).where(Customer.ref == "CLI-0001"))
    assert customer.email == "h.lefevre@example.org" and customer.first_name == "Hélène"  # absent column kept
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "import.update"))
    assert entry.object_type == "customers" and entry.object_id == str(customer.id)
    assert entry.details["changes"] == {"email": ["helene.lefevre@example.fr", "h.lefevre@example.org"]}
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "import.file")) == 9


def test_a_file_with_one_bad_row_imports_nothing(app_ctx, tmp_path):
    run("communes", write_csv(tmp_path, "c.csv", WATER_COMMUNES))
    rows = "".join(f"P{i};33318;{i} rue Neuve;eau\n" for i in range(1, 5001)) + "P5001;99999;1 rue Perdue;eau\n"
    path = write_csv(tmp_path, "points.csv", WATER_POINTS_HEADER + rows)
    before = counts()
    result = run("points", path)
    assert not result.committed and result.refused == 1 and result.created == 5000
    assert [p.as_dict() for p in result.problems] == [
        {"line": 5002, "column": "commune", "reason": "commune inconnue « 99999 » (importez d'abord les communes)"}]
    assert counts() == before


def test_a_dry_run_reports_and_imports_nothing(app_ctx):
    before = counts()
    results = import_samples("water", dry_run=True)
    assert results["communes"].created == 3 and results["communes"].ok and not results["communes"].committed
    assert counts() == before


def test_windows_1252_comma_blank_lines_and_other_column_order_are_read(app_ctx, tmp_path):
    path = write_csv(tmp_path, "c.csv", "\r\n\r\nNom,Code,Électricité,Devise\r\nBohicon,BJ-BOH,Oui,XOF\r\n\r\n"
                                        "Kétou,BJ-KET,oui,XOF\r\n", encoding="cp1252")
    result = run("communes", path)
    assert result.file_description == "CSV, encodage Windows-1252, séparateur virgule « , »"
    assert result.ok and result.created == 2
    assert db.session.scalar(select(Commune.utility).where(Commune.name == "Kétou")) == "electricity"


REFUSALS = {
    "unknown_commune": ("points", WATER_POINTS_HEADER + "P1;00000;1 rue A;eau\n",
                        (2, "commune", "commune inconnue « 00000 » (importez d'abord les communes)")),
    "duplicate_reference": ("customers", "référence;nom\nC1;Martin\nC1;Durand\n",
                            (3, "reference", "référence en double « C1 » (déjà ligne 2)")),
    "bad_date": ("meters", "numéro_série;point;date_pose\nM1;PDS-E-0001;31/02/2026\n",
                 (2, "date_pose", "date invalide « 31/02/2026 » (attendu JJ/MM/AAAA ou AAAA-MM-JJ)")),
    "meter_on_two_points": ("meters", "numéro_série;point\nW21A0000901;PDS-E-0002\n",
                            (2, "point", "compteur déjà posé sur le point PDS-E-0001 : il ne peut pas être sur "
                                         "deux points (déposez-le d'abord)")),
    "index_backwards": ("readings", "compteur;date;index;source\nW21A0000901;01/11/2026;1500;agent\n",
                        (2, "index", "index 1500 en recul : le relevé du 15/09/2026 indique 1588")),
    "index_backwards_before_a_later_reading": (
        "readings", "compteur;date;index;source\nW21A0000901;01/06/2026;1600;client\n",
        (2, "index", "index 1600 en recul : le relevé suivant du 15/09/2026 indique 1588")),
    "index_too_large": ("readings", "compteur;date;index;source\nW21A0000901;01/11/2026;100000;agent\n",
                        (2, "index", "index 100000 trop grand pour un compteur à 5 cadrans")),
    "invalid_iban": ("contracts", "numéro;client;point;service;date_debut;iban\n"
                                  "X1;CLI-0001;PDS-E-0001;eau;01/01/2020;FR76 3000 4000 0312 3456 7890 144\n",
                     (2, "iban", "IBAN invalide : la clé de contrôle ne correspond pas (erreur de saisie ?)")),
    "direct_debit_without_iban": ("contracts", "numéro;client;point;service;date_debut;prélèvement\n"
                                               "AB-2019-0002;CLI-0002;PDS-E-0002;eau;12/01/2019;oui\n",
                                  (2, "iban", "prélèvement automatique sans IBAN")),
    "second_active_contract": ("contracts", "numéro;client;point;service;date_debut\n"
                                            "X1;CLI-0002;PDS-E-0001;eau;01/01/2020\n",
                               (2, "point", "le point a déjà un contrat en cours n° AB-2015-0001")),
    "unknown_customer": ("contracts", "numéro;client;point;service;date_debut\nX1;NOBODY;PDS-E-0001;eau;01/01/2020\n",
                         (2, "client", "client inconnu « NOBODY » (importez d'abord les clients)")),
    "service_of_point": ("contracts", "numéro;client;point;service;date_debut\nX1;CLI-0001;PDS-E-0003;eau;01/01/2020\n",
                         (2, "service", "service eau sur un point assainissement")),
    "commune_without_the_service": ("points", WATER_POINTS_HEADER + "P1;33039;1 quai A;eau\n",
                                    (2, "nature", "la commune Bègles n'est pas desservie en eau")),
    "bad_choice": ("customers", "référence;nom;type\nC9;Martin;peut-être\n",
                   (2, "type", "type de client inconnu(e) « peut-être » (valeurs : particulier, organisation)")),
    "bad_yes_no": ("meters", "numéro_série;point;alerte_fuite\nM1;PDS-E-0001;peut-être\n",
                   (2, "alerte_fuite", "« peut-être » : oui ou non attendu")),
    "tariff_of_a_service_not_run": ("tariffs", "commune;service;date_debut;prix_unitaire;abonnement_annuel;tva\n"
                                               "33039;eau;01/01/2027;2;40;5,5 %\n",
                                    (2, "service", "la commune Bègles n'assure pas le service eau")),
    "bad_rate": ("tariffs", "commune;service;date_debut;prix_unitaire;abonnement_annuel;tva\n"
                            "33318;eau;01/01/2027;2;40;155 %\n",
                 (2, "tva", "nombre invalide « 155 » (de 0 à 100, 4 décimales au plus)")),
    "unknown_contact_role": ("contacts", "point;qualité;nom\nPDS-E-0001;voisin;M. X\n",
                             (2, "qualite", "qualité inconnu(e) « voisin » (valeurs : propriétaire, gestionnaire, "
                                            "agence, notaire, bailleur)")),
    "bad_email": ("customers", "référence;nom;email\nC9;Martin;martin@\n",
                  (2, "email", "adresse e-mail invalide « martin@ »")),
    "missing_required_value": ("customers", "référence;nom\nC9;\n", (2, "nom", "valeur obligatoire manquante")),
    "missing_required_column": ("customers", "référence;prénom\nC9;Jean\n",
                                (1, "nom", "colonne obligatoire absente de l'en-tête")),
    "deposit_without_payer": ("contracts", "numéro;client;point;service;date_debut;dépôt_garantie\n"
                                           "AB-2019-0002;CLI-0002;PDS-E-0002;eau;12/01/2019;50\n",
                              (2, "depot_paye_par", "dépôt de garantie sans le nom de qui l'a payé (remboursement E3)")),
    "end_before_start": ("contracts", "numéro;client;point;service;date_debut;date_fin\n"
                                      "AB-2019-0002;CLI-0002;PDS-E-0002;eau;12/01/2019;01/01/2018\n",
                         (2, "date_fin", "date de fin antérieure à la date de début")),
    "closed_point_without_date": ("points", "référence;commune;adresse;nature;état\nP1;33318;1 rue A;eau;fermé\n",
                                  (2, "date_fermeture", "point fermé ou déposé sans date de fermeture")),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_each_refusal_reason_is_reported_with_line_column_and_message(app_ctx, tmp_path, case):
    import_samples("water")
    kind, text, expected = REFUSALS[case]
    before = counts()
    result = run(kind, write_csv(tmp_path, f"{case}.csv", text), dry_run=True)
    assert [(p.line, p.column, p.reason) for p in result.problems] == [expected]
    real = run(kind, write_csv(tmp_path, f"{case}.csv", text))
    assert not real.committed and [(p.line, p.column, p.reason) for p in real.problems] == [expected]
    assert counts() == before


def test_headers_written_by_another_system_are_recognised(app_ctx, tmp_path):
    import_samples("water")
    path = write_csv(tmp_path, "releves.csv", "Origine;Index relevé;N° compteur;Date de relevé\r\n"
                                              "Agent;1650;W21A0000901;2026-11-20 00:00:00\r\n", encoding="cp1252")
    result = run("readings", path)
    assert result.ok and result.created == 1, result.as_dict()
    assert db.session.scalar(select(Reading.index).where(Reading.read_on == date(2026, 11, 20))) == 1650
