"""The 1-70 letter "M. et Mme le Nouvel Occupant" sent to a vacant dwelling (W19)."""
import io
from dataclasses import dataclass
from datetime import date

from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit

from ..services.rules.formats import day
from .letterhead import HEIGHT, MARGIN, WIDTH, draw_footer, draw_header, new_canvas


@dataclass(frozen=True)
class LetterDocument:
    reference: str               # e.g. "1-70 / ASI0000012"
    utility: str
    addressee: str               # "M. et Mme le Nouvel Occupant"
    address: str
    dated: date
    point_ref: str
    meter_serial: str | None = None
    phone: str = "09 69 39 40 00"
    website: str = "www.tournee.example/abonnement"


def body_of(letter: LetterDocument) -> list[str]:
    meter = f" (compteur n° {letter.meter_serial})" if letter.meter_serial else ""
    return [
        "Madame, Monsieur,",
        f"Vous occupez le logement situé {letter.address}. Le contrat d'abonnement au service de l'eau de ce "
        f"logement{meter} a été résilié par le précédent occupant et aucun nouvel abonnement n'a été souscrit "
        "à ce jour.",
        "Afin de continuer à bénéficier du service, nous vous invitons à souscrire votre contrat dans les "
        f"meilleurs délais, par téléphone au {letter.phone} ou en ligne sur {letter.website}, en nous indiquant "
        "votre date d'arrivée et l'index de votre compteur.",
        "Sans nouvelles de votre part, nous serons contraints de procéder à la fermeture du branchement.",
        "Nous vous prions d'agréer, Madame, Monsieur, l'expression de nos salutations distinguées.",
        "Le service clientèle",
    ]


def render_letter_pdf(letter: LetterDocument) -> bytes:
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, f"Courrier {letter.reference}")
    draw_header(canvas, title="Courrier 1-70", reference=letter.reference, utility=letter.utility)
    x, y = WIDTH / 2 + 10 * mm, HEIGHT - 52 * mm
    canvas.setFont("Helvetica-Bold", 10.5)
    canvas.drawString(x, y, letter.addressee)
    canvas.setFont("Helvetica", 10)
    for line in simpleSplit(letter.address, "Helvetica", 10, WIDTH - MARGIN - x):
        y -= 5 * mm
        canvas.drawString(x, y, line)
    y -= 16 * mm
    canvas.drawRightString(WIDTH - MARGIN, y, f"Le {day(letter.dated)}")
    y -= 10 * mm
    canvas.setFont("Helvetica-Bold", 10)
    canvas.drawString(MARGIN, y, f"Objet : souscription de votre abonnement — point de livraison {letter.point_ref}")
    canvas.setFont("Helvetica", 10)
    for paragraph in body_of(letter):
        y -= 5 * mm
        for line in simpleSplit(paragraph, "Helvetica", 10, WIDTH - 2 * MARGIN):
            y -= 5 * mm
            canvas.drawString(MARGIN, y, line)
    draw_footer(canvas, f"Courrier {letter.reference}")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
