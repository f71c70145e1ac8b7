"""The PDF renderers: each document opened with pypdf and its text read back (no database involved)."""
import io
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from PIL import Image
from pypdf import PdfReader

from server.documents import (InvoiceDocument, InvoiceLine, LetterDocument, OrderDocument, ReportAnswer,
                              ReportDocument, ReportPhoto, ReportSignature, render_invoice_pdf, render_letter_pdf,
                              render_order_pdf, render_orders_pdf, render_report_pdf)
from server.services.rules.formats import money
from server.documents.qr import qr_png

D = Decimal
AT = datetime(2026, 11, 23, 9, 30, tzinfo=timezone.utc)


def text_of(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def images_of(pdf: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)


def order(**overrides) -> OrderDocument:
    values = dict(ref="AT0000042", type_label="Interruption et relevé", utility="electricity",
                  app_url="https://tournee.example/app/#/orders/42", address="Lot 12, quartier Akpakpa",
                  commune="Cotonou", point_ref="P00000150", planned_date=date(2026, 11, 24), code=None,
                  meter_serial="E2600000150", dials=6, reading_mode="manual", previous_index=10250,
                  previous_date=date(2026, 9, 1), assignee="Koffi Agbo", dossier_ref="DEP0000007",
                  requester_name="Codjo Akplogan", requester_identity="CNI693090", travel_fee=False,
                  instructions="Couper au disjoncteur, relever l'index.")
    values.update(overrides)
    return OrderDocument(**values)


def photo_bytes(color="red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(out, format="JPEG")
    return out.getvalue()


def test_E2_order_pdf_has_the_qr_code_and_the_requester_signature_box():
    pdf = render_order_pdf(order())
    text = text_of(pdf)
    assert "Ordre d'intervention" in text and "AT0000042" in text and "Interruption et relevé" in text
    assert "Signature du demandeur" in text and "Codjo Akplogan" in text and "CNI693090" in text
    assert "Ouvrir dans l'application" in text and "E2600000150" in text
    assert images_of(pdf) == 1


def test_E2_qr_code_encodes_the_order_url_in_the_tablet_app():
    png = qr_png("https://tournee.example/app/#/orders/42")
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size[0] == image.size[1] > 100
    try:  # decoding is optional: only where a QR decoder is installed
        from pyzbar.pyzbar import decode
    except ImportError:
        return
    assert decode(image)[0].data == b"https://tournee.example/app/#/orders/42"


def test_batch_print_is_one_pdf_with_a_page_per_order():
    pdf = render_orders_pdf([order(ref=f"AT00000{i:02d}") for i in range(5)])
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 5 and "AT0000003" in reader.pages[3].extract_text()
    assert "Aucun ordre" in text_of(render_orders_pdf([]))


def invoice(**overrides) -> InvoiceDocument:
    values = dict(number="FA0000012", kind="closing", state="issued", utility="water", currency="EUR",
                  customer_name="M. Jean Dupont", send_to="12 rue Neuve, 33000 Bordeaux", contract_number="AB00000001",
                  premises="3 rue des Lilas, Bordeaux", total=D("74.23"), issued_on=date(2026, 11, 23),
                  period_start=date(2026, 9, 22), period_end=date(2026, 11, 23), reading_index=854,
                  reading_date=date(2026, 11, 23), reading_source="agent",
                  lines=[InvoiceLine("Consommation du 22/09/2026 au 23/11/2026 (index 832 à 854)", D(22), "m³",
                                     D("2.10"), D("46.20")),
                         InvoiceLine("Frais de déplacement (relevé d'index)", D(1), "forfait", D("45"), D("45.00"))])
    values.update(overrides)
    return InvoiceDocument(**values)


def test_W17_closing_invoice_pdf_shows_lines_reading_address_and_total():
    text = text_of(render_invoice_pdf(invoice()))
    assert "Facture d'arrêt de compte" in text and "FA0000012" in text
    assert "12 rue Neuve, 33000 Bordeaux" in text and "854 le 23/11/2026 (relevé agent)" in text
    assert "Consommation du 22/09/2026" in text and "46,20 €" in text and "74,23 €" in text
    assert "Frais de déplacement" in text


def test_W17_credit_note_and_direct_debit_wording():
    text = text_of(render_invoice_pdf(invoice(kind="credit_note", total=D("-20.87"))))
    assert "Avoir" in text and "-20,87 €" in text and "Total en votre faveur" in text
    assert "prélevé" in text_of(render_invoice_pdf(invoice(direct_debit=True)))


def test_E8_draft_balance_in_xof_names_the_deposit_payer_for_the_refund():
    text = text_of(render_invoice_pdf(invoice(kind="balance", state="draft", currency="XOF", utility="electricity",
                                              total=D("-17243"), deposit_payer="Codjo Akplogan")))
    assert "Facture de solde" in text and "PROJET" in text and "-17 243 FCFA" in text
    assert "Codjo Akplogan" in text


def test_W19_letter_1_70_is_addressed_to_the_new_occupant():
    pdf = render_letter_pdf(LetterDocument(reference="1-70 / ASI0000003", utility="water",
                                           addressee="M. et Mme le Nouvel Occupant", address="3 rue des Lilas, 33000 Bordeaux",
                                           dated=date(2026, 11, 23), point_ref="P00000003", meter_serial="W2500000003"))
    text = text_of(pdf)
    assert "M. et Mme le Nouvel Occupant" in text and "3 rue des Lilas" in text and "W2500000003" in text
    assert "Le 23/11/2026" in text and "souscrire" in text


def report(**overrides) -> ReportDocument:
    values = dict(order_ref="AT0000042", order_type_label="Interruption et relevé", utility="electricity",
                  report_uuid="3f1e3c1a-0000-4000-8000-000000000042", technician="Koffi Agbo",
                  outcome_label="Réalisé", address="Lot 12, Cotonou", content_sha256="a" * 64,
                  received_at=AT, device_time=AT, started_at=AT, finished_at=AT, position="6.36, 2.42 (± 8 m)",
                  answers=[ReportAnswer("Index", "10312"), ReportAnswer("Coupure effectuée", "oui")],
                  photos=[ReportPhoto("Photo des cadrans", "b" * 64, photo_bytes()), ReportPhoto("Scellé", "c" * 64)],
                  signatures=[ReportSignature("Technicien", "Koffi Agbo", [[[0, 0], [40, 20], [80, 5]]], None, AT)],
                  countersignature=ReportSignature("Chef de section", "Awa Sossou", [[[0, 10], [50, 0]]], None, AT),
                  seal_sha256="d" * 64, seal_verifies=True)
    values.update(overrides)
    return ReportDocument(**values)


def test_E7_report_pdf_has_answers_photos_signatures_and_the_seal():
    pdf = render_report_pdf(report())
    text = text_of(pdf)
    assert "Compte-rendu" in text and "10312" in text and "Coupure effectuée" in text
    assert "Chef de section : Awa Sossou" in text and "Technicien : Koffi Agbo" in text
    assert "d" * 64 in text and "vérifié" in text and "Photo non encore reçue" in text
    assert images_of(pdf) == 1


def test_E11_tampered_report_pdf_says_the_seal_no_longer_matches():
    text = text_of(render_report_pdf(report(seal_verifies=False)))
    assert "NE CORRESPOND PLUS" in text


def test_report_pdf_flows_onto_more_pages_with_many_photos():
    photos = [ReportPhoto(f"Photo {i}", f"{i:064x}", photo_bytes((20 * i, 80, 160))) for i in range(9)]
    pdf = render_report_pdf(report(photos=photos, seal_sha256=None))
    assert len(PdfReader(io.BytesIO(pdf)).pages) >= 2 and images_of(pdf) == 9
    assert "pas encore contresigné" in text_of(pdf)


@pytest.mark.parametrize("amount,currency,expected", [
    (D("1234.5"), "EUR", "1 234,50 €"), (D("-50000"), "XOF", "-50 000 FCFA"), (D("0"), "EUR", "0,00 €"),
])
def test_amounts_print_the_french_way(amount, currency, expected):
    assert money(amount, currency) == expected


def test_E4_new_contract_pdf_for_the_successor():
    from server.documents import ContractDocument, render_contract_pdf
    pdf = render_contract_pdf(ContractDocument(
        number="CT0000009", utility="electricity", service="electricity", customer_name="Afi Houngbo",
        customer_address="Lot 12, Cotonou", premises="Lot 12, quartier Akpakpa, Cotonou", point_ref="P00000150",
        start_on=date(2026, 11, 23), currency="XOF", unit_price=D("109"), subscription_per_year=D("6000"),
        voltage="BT", meter_serial="E2600000150", start_index=10312, deposit_amount=D("50000"),
        deposit_payer="Afi Houngbo", direct_debit=True, iban_end="0189"))
    text = text_of(pdf)
    assert "Contrat d'abonnement" in text and "CT0000009" in text and "Afi Houngbo" in text
    assert "index de départ 10312" in text and "50 000 FCFA" in text and "se terminant par 0189" in text
    assert "Signature du titulaire" in text
