"""Everything held on one customer (right of access, W24) as a PDF: one section per kind of data."""
import io

from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit

from ..services.rules.formats import money
from .letterhead import HEIGHT, MARGIN, WIDTH, draw_footer, draw_header, new_canvas

SECTIONS = [("customer", "Identité et coordonnées"), ("contracts", "Contrats"), ("points", "Points de livraison"),
            ("readings", "Relevés"), ("invoices", "Factures"), ("payments", "Paiements et remboursements"),
            ("dossiers", "Dossiers"), ("orders", "Interventions"), ("communications", "Messages envoyés")]
LINE = 4.6 * mm
AMOUNTS = ("total", "amount", "deposit_amount")  # in the row's "currency", written as on the invoices


def shown(item: dict) -> str:
    """One row of data as "name : value ; …", amounts as the customer's invoices write them."""
    currency = item.get("currency")
    values = [(name, money(value, currency) if name in AMOUNTS and value is not None and currency else value)
              for name, value in item.items() if name != "currency"]
    return " ; ".join(f"{name} : {'—' if value is None else value}" for name, value in values)


def render_customer_data_pdf(record: dict) -> bytes:
    buffer = io.BytesIO()
    reference = f"Droit d'accès — client {record['customer']['ref']}"
    canvas = new_canvas(buffer, reference)
    y = draw_header(canvas, title="Données détenues sur le client", reference=record["customer"]["ref"], utility="")
    canvas.setFont("Helvetica", 9)
    canvas.drawString(MARGIN, y, f"Extraction du {record['generated_at'][:10]}")
    y -= 2 * LINE

    def write(text: str, font: str = "Helvetica", size: float = 9, indent: float = 0):
        nonlocal y
        for line in simpleSplit(text, font, size, WIDTH - 2 * MARGIN - indent) or [""]:
            if y < 18 * mm:
                draw_footer(canvas, reference)
                canvas.showPage()
                y = HEIGHT - 20 * mm
            canvas.setFont(font, size)
            canvas.drawString(MARGIN + indent, y, line)
            y -= LINE

    for key, title in SECTIONS:
        items = record[key] if isinstance(record[key], list) else [record[key]]
        write(f"{title} ({len(items)})", "Helvetica-Bold", 11)
        for item in items:
            write(shown(item), indent=4 * mm)
        y -= LINE / 2
    draw_footer(canvas, reference)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
