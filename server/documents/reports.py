"""The report (compte-rendu) as evidence: answers, photos, signatures, the chief's countersignature and
the seal hash (E7, E11; PITFALLS 22). Flows over as many pages as the photos need."""
import io
from dataclasses import dataclass, field
from datetime import datetime

from reportlab.lib.colors import HexColor
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfgen.canvas import Canvas

from ..services.rules.formats import moment
from .letterhead import INK, MARGIN, WIDTH, draw_footer, draw_header, new_canvas

BOTTOM = 20 * mm
PHOTO_BOX = (82 * mm, 62 * mm)
SIGNATURE_BOX = (82 * mm, 30 * mm)


@dataclass(frozen=True)
class ReportAnswer:
    label: str
    value: str


@dataclass(frozen=True)
class ReportPhoto:
    label: str
    sha256: str
    data: bytes | None = None          # None while the tablet has not uploaded it


@dataclass(frozen=True)
class ReportSignature:
    role: str                          # "Technicien", "Demandeur", "Chef de section"…
    signer_name: str
    strokes: list = field(default_factory=list)   # [[[x, y], ...], ...] as drawn on the tablet
    image: bytes | None = None         # the PNG of the drawing when present
    signed_at: datetime | None = None


@dataclass(frozen=True)
class ReportDocument:
    order_ref: str
    order_type_label: str
    utility: str
    report_uuid: str
    technician: str
    outcome_label: str
    address: str
    content_sha256: str
    version: int = 1
    version_note: str | None = None
    reason: str | None = None
    point_ref: str | None = None
    meter_serial: str | None = None
    device_time: datetime | None = None
    received_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    position: str | None = None
    answers: list[ReportAnswer] = field(default_factory=list)
    photos: list[ReportPhoto] = field(default_factory=list)
    signatures: list[ReportSignature] = field(default_factory=list)
    countersignature: ReportSignature | None = None
    seal_sha256: str | None = None
    seal_verifies: bool | None = None
    flags: list[str] = field(default_factory=list)


class Flow:
    """A cursor down the page that starts a new page (with header and footer) when the next block won't fit."""

    def __init__(self, canvas: Canvas, report: ReportDocument):
        self.canvas, self.report = canvas, report
        self.y = self.start_page()

    def start_page(self) -> float:
        return draw_header(self.canvas, title=f"Compte-rendu — {self.report.order_type_label}",
                           reference=self.report.order_ref, utility=self.report.utility)

    def need(self, height: float) -> float:
        if self.y - height < BOTTOM:
            draw_footer(self.canvas, f"Compte-rendu {self.report.report_uuid}")
            self.canvas.showPage()
            self.y = self.start_page()
        return self.y

    def text(self, label: str, value: str, bold_value: bool = False) -> None:
        lines = simpleSplit(value or "—", "Helvetica", 9, WIDTH - 2 * MARGIN - 46 * mm) or ["—"]
        self.need(len(lines) * 4.6 * mm)
        self.canvas.setFont("Helvetica-Bold", 8.5)
        self.canvas.drawString(MARGIN, self.y, label)
        self.canvas.setFont("Helvetica-Bold" if bold_value else "Helvetica", 9)
        for line in lines:
            self.canvas.drawString(MARGIN + 46 * mm, self.y, line)
            self.y -= 4.6 * mm

    def title(self, text: str) -> None:
        self.need(14 * mm)
        self.y -= 4 * mm
        self.canvas.setFont("Helvetica-Bold", 11)
        self.canvas.drawString(MARGIN, self.y, text)
        self.y -= 6 * mm


def render_report_pdf(report: ReportDocument) -> bytes:
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, f"Compte-rendu {report.order_ref}")
    flow = Flow(canvas, report)
    for label, value in summary_of(report):
        flow.text(label, value)
    flow.title("Réponses")
    for answer in report.answers:
        flow.text(answer.label, answer.value)
    if report.flags:
        flow.title("Contrôles signalés")
        for flag in report.flags:
            flow.text("•", flag)
    draw_photos(flow, report.photos)
    draw_signatures(flow, report)
    draw_seal(flow, report)
    draw_footer(canvas, f"Compte-rendu {report.report_uuid}")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def summary_of(report: ReportDocument) -> list[tuple[str, str]]:
    rows = [("Résultat", report.outcome_label + (f" — {report.reason}" if report.reason else "")),
            ("Adresse", report.address), ("Point de livraison", report.point_ref or "—"),
            ("Compteur", report.meter_serial or "—"), ("Technicien", report.technician),
            ("Début / fin", f"{moment(report.started_at)} / {moment(report.finished_at)}"),
            ("Heure du terminal", moment(report.device_time)), ("Reçu par le serveur", moment(report.received_at)),
            ("Position", report.position or "non relevée"), ("Identifiant", report.report_uuid),
            ("Version", str(report.version) + (f" — {report.version_note}" if report.version_note else ""))]
    return rows


def draw_in_two_columns(flow: Flow, items: list, box: tuple[float, float], caption_height: float, draw_item) -> None:
    """Lay items out two per row; `draw_item(item, x, y_bottom)` draws one box and its caption below it."""
    width, height = box
    for i, item in enumerate(items):
        column = i % 2
        if column == 0:
            flow.need(height + caption_height)
        draw_item(item, MARGIN + column * (width + 6 * mm), flow.y - height)
        if column == 1 or i == len(items) - 1:
            flow.y -= height + caption_height + 1 * mm


def draw_photos(flow: Flow, photos: list[ReportPhoto]) -> None:
    if not photos:
        return
    flow.title("Photos")
    width, height = PHOTO_BOX

    def draw_photo(photo, x, y):
        draw_picture(flow.canvas, photo.data, x, y, width, height, "Photo non encore reçue")
        flow.canvas.setFont("Helvetica", 7.5)
        flow.canvas.drawString(x, y - 4 * mm, f"{photo.label} — {photo.sha256[:16]}…")
    draw_in_two_columns(flow, photos, PHOTO_BOX, 8 * mm, draw_photo)


def draw_picture(canvas: Canvas, data: bytes | None, x: float, y: float, width: float, height: float,
                 missing: str) -> bool:
    canvas.setStrokeColor(HexColor("#9aa5b1"))
    canvas.rect(x, y, width, height, stroke=1, fill=0)
    canvas.setStrokeColor(INK)
    if data:
        try:
            canvas.drawImage(ImageReader(io.BytesIO(data)), x, y, width, height, preserveAspectRatio=True,
                             anchor="c", mask="auto")
            return True
        except Exception:  # a damaged file must not stop the evidence from printing
            missing = "Image illisible"
    canvas.setFont("Helvetica-Oblique", 8)
    canvas.drawCentredString(x + width / 2, y + height / 2, missing)
    return False


def draw_signatures(flow: Flow, report: ReportDocument) -> None:
    signatures = list(report.signatures) + ([report.countersignature] if report.countersignature else [])
    if not signatures:
        return
    flow.title("Signatures")
    width, height = SIGNATURE_BOX

    def draw_one(signature, x, y):
        draw_signature(flow.canvas, signature, x, y, width, height)
        flow.canvas.setFont("Helvetica", 8)
        flow.canvas.drawString(x, y - 4 * mm, f"{signature.role} : {signature.signer_name}")
        flow.canvas.drawString(x, y - 8 * mm, f"le {moment(signature.signed_at)}")
    draw_in_two_columns(flow, signatures, SIGNATURE_BOX, 12 * mm, draw_one)


def draw_signature(canvas: Canvas, signature: ReportSignature, x: float, y: float, width: float,
                   height: float) -> None:
    """The PNG when there is one, else the strokes redrawn to fit the box."""
    if signature.image and draw_picture(canvas, signature.image, x, y, width, height, ""):
        return
    canvas.rect(x, y, width, height, stroke=1, fill=0)
    points = [p for stroke in signature.strokes or [] for p in stroke if len(p) >= 2]
    if not points:
        return
    min_x, max_x = min(p[0] for p in points), max(p[0] for p in points)
    min_y, max_y = min(p[1] for p in points), max(p[1] for p in points)
    scale = min((width - 6 * mm) / max(max_x - min_x, 1), (height - 6 * mm) / max(max_y - min_y, 1))
    path = canvas.beginPath()
    for stroke in signature.strokes:
        for j, point in enumerate(p for p in stroke if len(p) >= 2):
            px, py = x + 3 * mm + (point[0] - min_x) * scale, y + height - 3 * mm - (point[1] - min_y) * scale
            path.moveTo(px, py) if j == 0 else path.lineTo(px, py)
    canvas.setLineWidth(1.1)
    canvas.drawPath(path, stroke=1, fill=0)
    canvas.setLineWidth(1)


def draw_seal(flow: Flow, report: ReportDocument) -> None:
    flow.title("Scellement")
    flow.text("Empreinte du contenu", report.content_sha256)
    if report.seal_sha256 is None:
        flow.text("Sceau", "pas encore contresigné par le chef de section")
        return
    flow.text("Sceau (SHA-256)", report.seal_sha256, bold_value=True)
    verdict = {True: "vérifié : le contenu n'a pas été modifié depuis la contresignature",
               False: "NE CORRESPOND PLUS : le contenu a été modifié après la contresignature",
               None: "non vérifié"}[report.seal_verifies]
    flow.text("Vérification", verdict, bold_value=report.seal_verifies is False)
