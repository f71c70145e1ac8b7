"""The map of the day on the batch print's first page: the same geometry as the board's SVG
(services.planning.day_map), drawn with reportlab; no tile server."""
from reportlab.lib.colors import HexColor
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from ..services.planning.day_map import UNASSIGNED_COLOUR, DayMap
from .letterhead import INK, MARGIN, WIDTH, draw_footer, draw_header


def draw_day_map_page(canvas: Canvas, drawn: DayMap, *, title: str, utility: str) -> None:
    """A page with the map scaled to the printable width, then the legend of the rounds."""
    top = draw_header(canvas, title=title, reference="Plan de la journée", utility=utility)
    scale = (WIDTH - 2 * MARGIN) / drawn.width
    bottom = top - drawn.height * scale

    def at(x: float, y: float) -> tuple[float, float]:
        return MARGIN + x * scale, top - y * scale  # SVG y grows downwards, PDF y upwards

    canvas.setStrokeColor(HexColor("#c9cfd6"))
    canvas.setFillColor(HexColor("#f6f7f2"))
    canvas.rect(MARGIN, bottom, drawn.width * scale, drawn.height * scale, stroke=1, fill=1)
    for r in drawn.rounds:
        colour = HexColor(r.colour)
        coords = ([r.start] if r.start else []) + [(p.x, p.y) for p in r.points]
        canvas.setStrokeColor(colour)
        canvas.setLineWidth(1.2)
        path = canvas.beginPath()
        for i, (x, y) in enumerate(coords):
            (path.moveTo if i == 0 else path.lineTo)(*at(x, y))
        canvas.drawPath(path, stroke=1, fill=0)
        if r.start:
            x, y = at(*r.start)
            canvas.setFillColor(colour)
            canvas.rect(x - 3.5, y - 3.5, 7, 7, stroke=0, fill=1)
        canvas.setFont("Helvetica-Bold", 6)
        for p in r.points:
            x, y = at(p.x, p.y)
            canvas.setFillColor(colour)
            canvas.circle(x, y, 5, stroke=0, fill=1)
            canvas.setFillColor(HexColor("#ffffff"))
            canvas.drawCentredString(x, y - 2, p.label)
    canvas.setStrokeColor(HexColor(UNASSIGNED_COLOUR))
    canvas.setFillColor(HexColor("#ffffff"))
    for p in drawn.unassigned:
        canvas.circle(*at(p.x, p.y), 4, stroke=1, fill=1)
    y = bottom - 8 * mm
    canvas.setFont("Helvetica", 9)
    for r in drawn.rounds:
        canvas.setFillColor(HexColor(r.colour))
        canvas.rect(MARGIN, y - 1, 8, 8, stroke=0, fill=1)
        canvas.setFillColor(INK)
        canvas.drawString(MARGIN + 12, y, f"{r.name} : {len(r.points)} visite(s), dans l'ordre des numéros")
        y -= 5 * mm
    if drawn.unassigned:
        canvas.drawString(MARGIN + 12, y, f"Non affectés : {len(drawn.unassigned)} (cercles gris)")
    draw_footer(canvas, "Positions des points de livraison ; aucun fond de carte (fonctionne sans réseau).")
