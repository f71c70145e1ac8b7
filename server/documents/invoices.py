"""The closing invoice (and credit note, balance, subscription invoice) as a one-page PDF."""
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from reportlab.lib.colors import HexColor
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from ..services.rules.formats import day, money, number, price
from .letterhead import HEIGHT, INK, MARGIN, WIDTH, draw_footer, draw_header, new_canvas

KIND_TITLES = {"closing": "Facture d'arrêt de compte", "credit_note": "Avoir", "balance": "Facture de solde",
               "subscription": "Facture d'abonnement", "periodic": "Facture"}
SOURCE_LABELS = {"customer": "relevé client", "agent": "relevé agent", "radio": "radio-relève",
                 "remote": "télérelève", "estimated": "estimation"}
COLUMNS = (("Désignation", 0), ("Quantité", 96), ("Unité", 118), ("Prix unitaire", 146), ("Montant", 174))


@dataclass(frozen=True)
class InvoiceLine:
    label: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    amount: Decimal


@dataclass(frozen=True)
class InvoiceDocument:
    number: str
    kind: str
    state: str
    utility: str
    currency: str
    customer_name: str
    send_to: str
    contract_number: str
    premises: str
    total: Decimal
    lines: list[InvoiceLine] = field(default_factory=list)
    issued_on: date | None = None
    period_start: date | None = None
    period_end: date | None = None
    reading_index: int | None = None
    reading_date: date | None = None
    reading_source: str | None = None
    direct_debit: bool = False
    deposit_payer: str | None = None


def render_invoice_pdf(invoice: InvoiceDocument) -> bytes:
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, f"{KIND_TITLES.get(invoice.kind, 'Facture')} {invoice.number}")
    y = draw_header(canvas, title=KIND_TITLES.get(invoice.kind, "Facture"), reference=invoice.number,
                    utility=invoice.utility)
    if invoice.state in ("draft", "checked"):
        draw_draft_mark(canvas)
    draw_addressee(canvas, invoice)
    y = draw_references(canvas, y, invoice)
    y = draw_lines(canvas, y - 8 * mm, invoice)
    draw_settlement(canvas, y - 6 * mm, invoice)
    draw_footer(canvas, f"{invoice.number} — pour toute question sur cette facture, contactez le service clientèle "
                        "en rappelant ce numéro.")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def draw_draft_mark(canvas: Canvas) -> None:
    canvas.saveState()
    canvas.setFillColor(HexColor("#d64545"))
    canvas.setFont("Helvetica-Bold", 11)
    canvas.drawRightString(WIDTH - MARGIN, HEIGHT - 34 * mm, "PROJET — en attente du contrôle")
    canvas.restoreState()


def draw_addressee(canvas: Canvas, invoice: InvoiceDocument) -> None:
    x, y = WIDTH / 2 + 10 * mm, HEIGHT - 50 * mm
    canvas.setFont("Helvetica-Bold", 10)
    canvas.drawString(x, y, invoice.customer_name)
    canvas.setFont("Helvetica", 9.5)
    for line in simpleSplit(invoice.send_to or "", "Helvetica", 9.5, WIDTH - MARGIN - x)[:4]:
        y -= 4.8 * mm
        canvas.drawString(x, y, line)


def draw_references(canvas: Canvas, y: float, invoice: InvoiceDocument) -> float:
    reading = "—"
    if invoice.reading_index is not None:
        source = SOURCE_LABELS.get(invoice.reading_source or "", invoice.reading_source or "")
        reading = f"{invoice.reading_index} le {day(invoice.reading_date)} ({source})"
    rows = (("Date d'émission", day(invoice.issued_on) if invoice.issued_on else "non émise"),
            ("Contrat", invoice.contract_number), ("Lieu de consommation", invoice.premises),
            ("Période", f"du {day(invoice.period_start)} au {day(invoice.period_end)}"), ("Index retenu", reading))
    for label, value in rows:
        y -= 5 * mm
        canvas.setFont("Helvetica-Bold", 8.5)
        canvas.drawString(MARGIN, y, label)
        canvas.setFont("Helvetica", 9)
        canvas.drawString(MARGIN + 34 * mm, y, simpleSplit(value, "Helvetica", 9, 62 * mm)[0] if value else "—")
    return y


def draw_lines(canvas: Canvas, y: float, invoice: InvoiceDocument) -> float:
    canvas.setFillColor(HexColor("#e4e7eb"))
    canvas.rect(MARGIN, y - 2 * mm, WIDTH - 2 * MARGIN, 7 * mm, stroke=0, fill=1)
    canvas.setFillColor(INK)
    canvas.setFont("Helvetica-Bold", 8.5)
    for title, offset in COLUMNS:
        draw_cell(canvas, title, offset, y, right=offset > 0)
    canvas.setFont("Helvetica", 8.5)
    for line in invoice.lines:
        wrapped = simpleSplit(line.label, "Helvetica", 8.5, 92 * mm)
        y -= 6 * mm
        for extra, text in enumerate(wrapped[:3]):
            canvas.drawString(MARGIN + 1 * mm, y - extra * 4 * mm, text)
        draw_cell(canvas, number(line.quantity), 96, y, right=True)
        draw_cell(canvas, line.unit, 118, y, right=True)
        draw_cell(canvas, price(line.unit_price), 146, y, right=True)
        draw_cell(canvas, money(line.amount, invoice.currency), 174, y, right=True)
        y -= (len(wrapped[:3]) - 1) * 4 * mm
    canvas.line(MARGIN, y - 3 * mm, WIDTH - MARGIN, y - 3 * mm)
    y -= 9 * mm
    canvas.setFont("Helvetica-Bold", 11)
    canvas.drawString(MARGIN + 1 * mm, y, "Total à payer" if invoice.total >= 0 else "Total en votre faveur")
    draw_cell(canvas, money(invoice.total, invoice.currency), 174, y, right=True)
    return y


def draw_cell(canvas: Canvas, text: str, offset_mm: float, y: float, right: bool) -> None:
    if right:
        canvas.drawRightString(MARGIN + offset_mm * mm, y, text)
    else:
        canvas.drawString(MARGIN + 1 * mm + offset_mm * mm, y, text)


def draw_settlement(canvas: Canvas, y: float, invoice: InvoiceDocument) -> None:
    canvas.setFont("Helvetica", 9.5)
    if invoice.total < 0:
        who = f" à {invoice.deposit_payer}, qui a versé le dépôt de garantie" if invoice.deposit_payer else ""
        text = f"Ce montant vous sera remboursé{who}, sur présentation d'une pièce d'identité."
    elif invoice.direct_debit:
        text = "Ce montant sera prélevé sur votre compte, comme vos factures précédentes."
    else:
        text = "À régler au guichet, par virement ou par chèque, à réception de cette facture."
    for line in simpleSplit(text, "Helvetica", 9.5, WIDTH - 2 * MARGIN):
        canvas.drawString(MARGIN, y, line)
        y -= 5 * mm
