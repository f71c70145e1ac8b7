"""Everything held on one customer (right of access, W24) as a PDF the customer reads: French section titles and
labels, codes through the office's labels, dates as dd/mm/yyyy, amounts as on the invoices; no internal id, hash
or rule id. Long lists are tables that reportlab splits over pages, their header repeated."""
import io
from datetime import date, datetime
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (BaseDocTemplate, Frame, KeepTogether, NextPageTemplate, PageTemplate, Paragraph,
                                Spacer, Table, TableStyle)

from ..labels import LABELS, label
from ..local_time import as_utc
from ..services.rules.formats import day, money, moment
from .letterhead import HEIGHT, INK, MARGIN, UTILITY_NAMES, WIDTH, draw_footer, draw_header

TITLE = "Vos données personnelles"
BODY = ParagraphStyle("body", fontName="Helvetica", fontSize=9, leading=12, textColor=INK, spaceAfter=4)
HEADING = ParagraphStyle("heading", parent=BODY, fontName="Helvetica-Bold", fontSize=12, leading=15, spaceBefore=8)
SUBHEADING = ParagraphStyle("subheading", parent=BODY, fontName="Helvetica-Bold", fontSize=9.5, spaceBefore=4)
CELL = ParagraphStyle("cell", parent=BODY, fontSize=8, leading=10, spaceAfter=0)
HEAD_CELL = ParagraphStyle("head_cell", parent=CELL, fontName="Helvetica-Bold")
GRID = HexColor("#cbd2d9")
SHADE = HexColor("#eef2f6")
CONTENT_WIDTH = WIDTH - 2 * MARGIN

# Fields of one row: (French label, key in the record, how its value reads). A "how" is a kind of labels.py,
# or day / moment / money / yes_no / text.
CUSTOMER_FIELDS = [("Référence client", "ref", "text"), ("Type de client", "kind", "customer_kind"),
                   ("Statut", "status", "customer_status"), ("Civilité", "title", "text"), ("Nom", "last_name", "text"),
                   ("Prénom", "first_name", "text"), ("Courriel", "email", "text"),
                   ("Téléphone mobile", "mobile", "text"),
                   ("Adresse postale", "postal_address", "text"), ("Pièce d'identité", "identity_document", "text"),
                   ("Client enregistré le", "created_at", "moment_day"),
                   ("Données rendues anonymes le", "pseudonymised_at", "moment_day")]
CONTRACT_FIELDS = [("Point de livraison", "point", "text"), ("Service", "service", "service"),
                   ("Tension", "voltage", "text"), ("Début du contrat", "start_on", "day"),
                   ("Fin du contrat", "end_on", "day"), ("État", "state", "contract_state"),
                   ("Abonnement payé jusqu'au", "prepaid_until", "day"),
                   ("Prélèvement automatique", "direct_debit", "yes_no"), ("IBAN", "iban", "text"),
                   ("Dépôt de garantie", "deposit_amount", "money"), ("Dépôt versé par", "deposit_payer_name", "text"),
                   ("Pièce d'identité du payeur du dépôt", "deposit_payer_identity", "text"),
                   ("Adresse de facturation", "billing_address", "text")]


def local(value: str, zone: ZoneInfo) -> datetime:
    """A stored moment (ISO; naive from SQLite, in UTC) in the utility's local time."""
    return as_utc(datetime.fromisoformat(value)).astimezone(zone)


def shown(value, how: str, row: dict, zone: ZoneInfo) -> str:
    """A value of the record as the customer reads it."""
    if value is None or value == "":
        return "—"
    if how == "day":
        return day(date.fromisoformat(value))
    if how == "moment":
        return moment(local(value, zone))
    if how == "moment_day":
        return day(local(value, zone).date())
    if how == "money":
        return money(value, row["currency"])
    if how == "yes_no":
        return "oui" if value else "non"
    if how in LABELS:
        return label(value, how)
    return str(value)


def period(invoice: dict, zone: ZoneInfo) -> str:
    if not invoice["period_start"] and not invoice["period_end"]:
        return "—"
    start, end = (shown(invoice[key], "day", invoice, zone) for key in ("period_start", "period_end"))
    return f"du {start} au {end}"


def reading_of(invoice: dict, zone: ZoneInfo) -> str:
    if invoice["reading_index"] is None:
        return "—"
    source = f" ({label(invoice['reading_source'], 'reading_source')})" if invoice["reading_source"] else ""
    return f"{invoice['reading_index']} le {shown(invoice['reading_date'], 'day', invoice, zone)}{source}"


def person(name: str | None, identity: str | None) -> str:
    return ", ".join(t for t in (name, identity and f"pièce d'identité {identity}") if t) or "—"


def field(key: str, how: str):
    """A table cell: the row's value at `key` as `shown` writes it."""
    return lambda row, zone: shown(row[key], how, row, zone)


# Tables: (column title, width in mm, key or function of the row giving its text).
POINT_COLUMNS = [("Référence", 28, "ref"), ("Adresse", 73, "address"),
                 ("Type", 36, field("kind", "point_kind")),
                 ("État", 16, field("state", "point_state")),
                 ("Fermé le", 21, field("closed_on", "day"))]
READING_COLUMNS = [("Compteur", 40, "meter"), ("Date du relevé", 30, field("read_on", "day")),
                   ("Index", 30, "index"), ("Origine du relevé", 44, field("source", "reading_source")),
                   ("Facturé", 30, field("billed", "yes_no"))]
INVOICE_COLUMNS = [("Numéro", 21, "number"), ("Nature", 21, field("kind", "invoice_kind")),
                   ("État", 17, field("state", "invoice_state")),
                   ("Émise le", 21, field("issued_on", "day")),
                   ("Période", 24, period),
                   ("Index retenu", 26, reading_of),
                   ("Montant", 23, field("total", "money")),
                   ("Réglée le", 21, field("paid_on", "day"))]
PAYMENT_COLUMNS = [("Date", 30, field("at", "moment")),
                   ("Opération", 32, lambda r, z: f"{label(r['direction'], 'payment_direction')} "
                                                  f"{label(r['method'], 'payment_method')}"),
                   ("Montant", 26, field("amount", "money")),
                   ("Bénéficiaire", 44, lambda r, z: person(r["payee_name"], r["payee_identity"])),
                   ("IBAN", 42, field("iban", "text"))]
DOSSIER_COLUMNS = [("Référence", 30, "ref"), ("Objet", 74, field("type", "dossier_type")),
                   ("État", 35, field("state", "dossier_state")),
                   ("Ouvert le", 35, field("created_at", "moment_day"))]
ORDER_COLUMNS = [("Référence", 30, "ref"), ("Intervention", 32, field("type", "order_type")),
                 ("État", 30, field("state", "order_state")),
                 ("Date prévue", 24, field("planned_date", "day")),
                 ("Demandée par", 58, lambda r, z: person(r["requester_name"], r["requester_identity"]))]
REPORT_COLUMNS = [("Intervention", 30, "order"), ("Compte-rendu reçu le", 34,
                                                  field("received_at", "moment")),
                  ("Résultat", 38, field("outcome", "report_outcome")),
                  ("Photos", 16, "photos"), ("Signatures de", 56, lambda r, z: ", ".join(r["signers"]) or "aucune")]
MESSAGE_COLUMNS = [("Envoyé le", 30, field("created_at", "moment")),
                   ("Par", 16, field("channel", "channel")), ("À", 34, "recipient"),
                   ("Objet et message", 94, lambda r, z: " — ".join(t for t in (r["subject"], r["body"]) if t))]
SECTIONS = [("points", "Vos points de livraison", POINT_COLUMNS), ("readings", "Vos relevés", READING_COLUMNS),
            ("invoices", "Vos factures", INVOICE_COLUMNS), ("payments", "Vos paiements et remboursements",
                                                           PAYMENT_COLUMNS),
            ("dossiers", "Vos demandes et dossiers", DOSSIER_COLUMNS), ("orders", "Interventions", ORDER_COLUMNS),
            ("reports", "Photos et signatures conservées", REPORT_COLUMNS),
            ("communications", "Messages qui vous ont été envoyés", MESSAGE_COLUMNS)]
EMPTY = "Nous ne détenons aucune donnée de ce type vous concernant."


def cell(text, style: ParagraphStyle = CELL) -> Paragraph:
    return Paragraph(escape(str(text)), style)


def table(rows: list[list], widths: list[float], *, header: bool) -> Table:
    grid = Table(rows, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT")
    style = [("GRID", (0, 0), (-1, -1), 0.4, GRID), ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]
    style.append(("BACKGROUND", (0, 0), (-1, 0), SHADE) if header else ("BACKGROUND", (0, 0), (0, -1), SHADE))
    grid.setStyle(TableStyle(style))
    return grid


def facts(row: dict, fields: list[tuple[str, str, str]], zone: ZoneInfo) -> Table:
    """One object as a two-column table: label, value."""
    return table([[cell(name, HEAD_CELL), cell(shown(row[key], how, row, zone))] for name, key, how in fields],
                 [62 * mm, CONTENT_WIDTH - 62 * mm], header=False)


def listing(rows: list[dict], columns: list[tuple], zone: ZoneInfo) -> Table:
    """Rows as a table split over pages by reportlab, its header repeated on each."""
    head = [cell(title, HEAD_CELL) for title, _, _ in columns]
    body = [[cell(how(row, zone) if callable(how) else shown(row[how], "text", row, zone)) for _, _, how in columns]
            for row in rows]
    return table([head] + body, [width * mm for _, width, _ in columns], header=True)


def introduction(record: dict, zone: ZoneInfo) -> list:
    holder = UTILITY_NAMES.get(record["utility"], "Service clientèle")
    holder = holder[0].lower() + holder[1:]
    ref = record["customer"]["ref"]
    return [
        Paragraph(f"Extrait établi le {shown(record['generated_at'], 'moment_day', record, zone)} — "
                  f"référence client {escape(ref)}", SUBHEADING),
        Paragraph(f"Ce document rassemble toutes les données personnelles que le {escape(holder)} détient sur vous, "
                  "en réponse à votre demande d'accès à vos données (article 15 du règlement général sur la "
                  "protection des données, RGPD). Les montants sont écrits dans la monnaie de vos contrats, "
                  "comme sur vos factures. Les photos et signatures prises lors des interventions sont conservées "
                  "comme preuve : ce document en donne le nombre et les signataires sans les reproduire.", BODY),
        Paragraph("Pour faire corriger une information inexacte, demander l'effacement de données qui ne sont plus "
                  "nécessaires ou pour toute question, adressez-vous à notre service clientèle (à l'accueil ou par "
                  f"courrier) en rappelant votre référence client {escape(ref)}.", BODY),
    ]


def contracts(record: dict, zone: ZoneInfo) -> list:
    flowables = [Paragraph(f"Vos contrats ({len(record['contracts'])})", HEADING)]
    for contract in record["contracts"]:
        flowables.append(KeepTogether([Paragraph(f"Contrat n° {escape(contract['number'])}", SUBHEADING),
                                       facts(contract, CONTRACT_FIELDS, zone), Spacer(1, 3 * mm)]))
    return flowables if record["contracts"] else flowables + [Paragraph(EMPTY, BODY)]


def story(record: dict, zone: ZoneInfo) -> list:
    flowables = [NextPageTemplate("later"), *introduction(record, zone),
                 Paragraph("Vos coordonnées", HEADING), facts(record["customer"], CUSTOMER_FIELDS, zone),
                 *contracts(record, zone)]
    for key, title, columns in SECTIONS:
        rows = record.get(key) or []
        flowables.append(Paragraph(f"{title} ({len(rows)})", HEADING))
        flowables.append(listing(rows, columns, zone) if rows else Paragraph(EMPTY, BODY))
    return flowables


def render_customer_data_pdf(record: dict, *, zone: ZoneInfo) -> bytes:
    """The extract; `zone` is the utility's, in which the moments held are written."""
    buffer = io.BytesIO()
    ref = record["customer"]["ref"]
    footer = f"Vos données personnelles — référence client {ref} — document confidentiel"

    def first_page(canvas, _doc):
        draw_header(canvas, title=TITLE, reference=ref, utility=record["utility"] or "")
        draw_footer(canvas, footer)

    def later_page(canvas, _doc):
        draw_footer(canvas, footer)

    doc = BaseDocTemplate(buffer, pagesize=A4, pageCompression=0, title=f"{TITLE} — client {ref}", author="Tournée")
    body_bottom = 16 * mm
    doc.addPageTemplates([
        PageTemplate("first", [Frame(MARGIN, body_bottom, CONTENT_WIDTH, HEIGHT - 40 * mm - body_bottom, id="first")],
                     onPage=first_page),
        PageTemplate("later", [Frame(MARGIN, body_bottom, CONTENT_WIDTH, HEIGHT - 16 * mm - body_bottom, id="later")],
                     onPage=later_page)])
    doc.build(story(record, zone))
    return buffer.getvalue()
