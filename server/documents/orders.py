"""The printable intervention order (AT): the facts the technician needs, a QR code that opens the order
in the tablet app, and the box where the requester signs (E2). One order or a whole day in one PDF."""
import io
from dataclasses import dataclass, field
from datetime import date

from reportlab.lib.colors import HexColor
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from .day_map import draw_day_map_page
from ..services.rules.formats import day
from .letterhead import INK, MARGIN, WIDTH, draw_footer, draw_header, new_canvas
from .qr import qr_image

QR_SIZE = 34 * mm
READING_MODES = {"manual": "à pied", "radio": "radio-relève", "remote": "télérelève"}


@dataclass(frozen=True)
class OrderDocument:
    ref: str
    type_label: str
    utility: str
    app_url: str                       # <base>/app/#/orders/<id>, encoded in the QR code
    address: str
    commune: str
    point_ref: str
    planned_date: date | None = None
    window: str | None = None          # "14:00 – 16:00" when an appointment was set
    code: str | None = None
    meter_serial: str | None = None
    dials: int | None = None
    reading_mode: str | None = None
    previous_index: int | None = None
    previous_date: date | None = None
    assignee: str | None = None
    dossier_ref: str | None = None
    access_notes: str | None = None
    instructions: str | None = None
    travel_fee: bool = False
    requester_name: str | None = None
    requester_identity: str | None = None
    contacts: list[tuple[str, str, str]] = field(default_factory=list)   # (role, name, phone), W24


def render_order_pdf(order: OrderDocument) -> bytes:
    return render_orders_pdf([order], title=f"Ordre d'intervention {order.ref}")


def render_orders_pdf(orders: list[OrderDocument], title: str = "Ordres d'intervention", day_map=None) -> bytes:
    """One page per order, in the given order (a day's batch print), after the map of the day if given
    (a services.planning.day_map.DayMap)."""
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, title)
    if day_map is not None and orders and not day_map.empty:
        draw_day_map_page(canvas, day_map, title=title, utility=orders[0].utility)
        canvas.showPage()
    for order in orders:
        draw_order(canvas, order)
        canvas.showPage()
    if not orders:
        canvas.setFont("Helvetica", 12)
        canvas.drawString(MARGIN, 780, "Aucun ordre d'intervention pour cette sélection.")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def draw_order(canvas: Canvas, order: OrderDocument) -> None:
    y = draw_header(canvas, title=f"Ordre d'intervention — {order.type_label}", reference=order.ref,
                    utility=order.utility)
    canvas.drawImage(qr_image(order.app_url), WIDTH - MARGIN - QR_SIZE, y - QR_SIZE + 6 * mm, QR_SIZE, QR_SIZE)
    canvas.setFont("Helvetica", 7)
    canvas.drawCentredString(WIDTH - MARGIN - QR_SIZE / 2, y - QR_SIZE + 3 * mm, "Ouvrir dans l'application")
    y = draw_facts(canvas, y, facts_of(order))
    if order.contacts:
        y = draw_facts(canvas, y - 2 * mm, [(role, f"{name}  {phone or ''}") for role, name, phone in order.contacts])
    y = draw_paragraph(canvas, y - 3 * mm, "Accès", order.access_notes)
    y = draw_paragraph(canvas, y, "Consignes", order.instructions)
    y = draw_capture_boxes(canvas, y - 4 * mm)
    draw_signature_boxes(canvas, y - 6 * mm, order)
    draw_footer(canvas, f"{order.ref} — document à conserver avec le dossier {order.dossier_ref or ''}".strip())


def facts_of(order: OrderDocument) -> list[tuple[str, str]]:
    planned = day(order.planned_date) + (f", rendez-vous {order.window}" if order.window else "")
    meter = (f"{order.meter_serial} ({order.dials} cadrans, relève {READING_MODES.get(order.reading_mode, order.reading_mode or '—')})"
             if order.meter_serial else "—")
    previous = (f"{order.previous_index} le {day(order.previous_date)}" if order.previous_index is not None else "—")
    rows = [("Date prévue", planned), ("Adresse", f"{order.address}, {order.commune}"),
            ("Point de livraison", order.point_ref), ("Compteur", meter), ("Dernier index connu", previous),
            ("Technicien", order.assignee or "non affecté"), ("Dossier", order.dossier_ref or "—"),
            ("Frais de déplacement", "oui, facturés au client" if order.travel_fee else "non")]
    if order.code:
        rows.insert(0, ("Code", order.code))
    if order.requester_name:
        identity = f" — pièce {order.requester_identity}" if order.requester_identity else ""
        rows.append(("Demandeur", order.requester_name + identity))
    return rows


def draw_facts(canvas: Canvas, y: float, rows: list[tuple[str, str]]) -> float:
    for label, value in rows:
        canvas.setFont("Helvetica-Bold", 9)
        canvas.drawString(MARGIN, y, label)
        canvas.setFont("Helvetica", 9.5)
        for line in simpleSplit(value, "Helvetica", 9.5, WIDTH - 2 * MARGIN - 42 * mm - QR_SIZE)[:3]:
            canvas.drawString(MARGIN + 40 * mm, y, line)
            y -= 4.6 * mm
    return y


def draw_paragraph(canvas: Canvas, y: float, title: str, text: str | None) -> float:
    if not text:
        return y
    canvas.setFont("Helvetica-Bold", 9)
    canvas.drawString(MARGIN, y, title)
    canvas.setFont("Helvetica", 9.5)
    for line in simpleSplit(text, "Helvetica", 9.5, WIDTH - 2 * MARGIN - 40 * mm)[:6]:
        canvas.drawString(MARGIN + 40 * mm, y, line)
        y -= 4.6 * mm
    return y - 1 * mm


def draw_capture_boxes(canvas: Canvas, y: float) -> float:
    """Where a technician without a tablet writes the outcome by hand."""
    canvas.setFont("Helvetica-Bold", 10)
    canvas.drawString(MARGIN, y, "Compte-rendu d'intervention")
    y -= 8 * mm
    canvas.setFont("Helvetica", 9.5)
    for label in ("Index relevé : ......................................",
                  "Résultat :  [ ] réalisé   [ ] absent   [ ] pas d'accès   [ ] refus   [ ] anomalie",
                  "N° de scellé : ............................   Coupure effectuée : [ ] oui  [ ] non",
                  "Remarques : ...................................................................................."):
        canvas.drawString(MARGIN, y, label)
        y -= 7 * mm
    return y


def draw_signature_boxes(canvas: Canvas, y: float, order: OrderDocument) -> None:
    """E2: the requester signs the order; the technician signs the report."""
    width, height = (WIDTH - 2 * MARGIN - 8 * mm) / 2, 32 * mm
    canvas.setStrokeColor(HexColor("#7b8794"))
    for i, (title, name) in enumerate((("Signature du demandeur", order.requester_name),
                                        ("Signature du technicien", order.assignee))):
        x = MARGIN + i * (width + 8 * mm)
        canvas.rect(x, y - height, width, height, stroke=1, fill=0)
        canvas.setFont("Helvetica-Bold", 9)
        canvas.drawString(x + 3 * mm, y - 5 * mm, title)
        canvas.setFont("Helvetica", 8.5)
        canvas.drawString(x + 3 * mm, y - 10 * mm, f"Nom : {name or '....................................'}")
        canvas.drawString(x + 3 * mm, y - height + 4 * mm, "Date : ..... / ..... / ..........")
    canvas.setStrokeColor(INK)
