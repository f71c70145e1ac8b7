"""The frame every page shares: the utility's header band, the title, and a footer with the page number."""
from reportlab import rl_config
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

# Binary image streams: reportlab's pure-Python ASCII85 encoder was a fifth of a batch print's time.
rl_config.useA85 = 0
WIDTH, HEIGHT = A4
MARGIN = 18 * mm
INK = HexColor("#1f2933")
ACCENT = {"water": HexColor("#0b5394"), "electricity": HexColor("#b45f06")}
UTILITY_NAMES = {"water": "Service de l'eau et de l'assainissement", "electricity": "Service de l'électricité"}


def draw_header(canvas: Canvas, *, title: str, reference: str, utility: str) -> float:
    """Draw the header band and the title; returns the y where the body starts."""
    canvas.setFillColor(ACCENT.get(utility, INK))
    canvas.rect(0, HEIGHT - 22 * mm, WIDTH, 22 * mm, stroke=0, fill=1)
    canvas.setFillColor(HexColor("#ffffff"))
    canvas.setFont("Helvetica-Bold", 14)
    canvas.drawString(MARGIN, HEIGHT - 13 * mm, "Tournée")
    canvas.setFont("Helvetica", 9)
    canvas.drawString(MARGIN, HEIGHT - 18 * mm, UTILITY_NAMES.get(utility, ""))
    canvas.setFont("Helvetica-Bold", 11)
    canvas.drawRightString(WIDTH - MARGIN, HEIGHT - 13 * mm, reference)
    canvas.setFillColor(INK)
    canvas.setFont("Helvetica-Bold", 16)
    canvas.drawString(MARGIN, HEIGHT - 34 * mm, title)
    return HEIGHT - 42 * mm


def draw_footer(canvas: Canvas, text: str) -> None:
    canvas.setFont("Helvetica", 7.5)
    canvas.setFillColor(HexColor("#52606d"))
    canvas.drawString(MARGIN, 10 * mm, text)
    canvas.drawRightString(WIDTH - MARGIN, 10 * mm, f"Page {canvas.getPageNumber()}")
    canvas.setFillColor(INK)


def new_canvas(buffer, title: str) -> Canvas:
    """A canvas without compression of page streams (faster; the PDFs stay small: text and vectors)."""
    canvas = Canvas(buffer, pagesize=A4, pageCompression=0)
    canvas.setTitle(title)
    canvas.setAuthor("Tournée")
    return canvas
