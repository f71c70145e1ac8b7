"""The subscription contract printed for a new customer (E4: the successor's contract on a takeover)."""
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from reportlab.lib.colors import HexColor
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit

from ..labels import label
from ..services.rules.formats import CURRENCY_SIGNS, day, money, price
from .letterhead import INK, MARGIN, WIDTH, draw_footer, draw_header, new_canvas

@dataclass(frozen=True)
class ContractDocument:
    number: str
    utility: str
    service: str
    customer_name: str
    customer_address: str
    premises: str
    point_ref: str
    start_on: date
    currency: str
    unit_price: Decimal
    subscription_per_year: Decimal
    voltage: str | None = None
    meter_serial: str | None = None
    start_index: int | None = None
    deposit_amount: Decimal = Decimal(0)
    deposit_payer: str | None = None
    direct_debit: bool = False
    iban_end: str | None = None        # the last 4 characters only (W24)


def facts_of(contract: ContractDocument) -> list[tuple[str, str]]:
    unit = "kWh" if contract.service == "electricity" else "m³"
    service = label(contract.service, "service") + (f" {contract.voltage}" if contract.voltage else "")
    rows = [("Titulaire", contract.customer_name), ("Adresse de facturation", contract.customer_address or "—"),
            ("Service", service), ("Lieu de consommation", contract.premises), ("Point de livraison", contract.point_ref),
            ("Compteur", contract.meter_serial or "—"),
            ("Date d'effet", day(contract.start_on) + (f", index de départ {contract.start_index}"
                                                      if contract.start_index is not None else "")),
            ("Tarif", f"{price(contract.unit_price)} {CURRENCY_SIGNS.get(contract.currency, contract.currency)} par {unit}, abonnement "
                      f"{money(contract.subscription_per_year, contract.currency)} par an (hors taxes)")]
    if contract.deposit_amount:
        payer = f", versé par {contract.deposit_payer}" if contract.deposit_payer else ""
        rows.append(("Dépôt de garantie", money(contract.deposit_amount, contract.currency) + payer))
    rows.append(("Paiement", f"prélèvement (compte se terminant par {contract.iban_end})" if contract.direct_debit
                 and contract.iban_end else "prélèvement" if contract.direct_debit else "au guichet ou par virement"))
    return rows


def render_contract_pdf(contract: ContractDocument) -> bytes:
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, f"Contrat {contract.number}")
    y = draw_header(canvas, title="Contrat d'abonnement", reference=contract.number, utility=contract.utility)
    for label, value in facts_of(contract):
        canvas.setFont("Helvetica-Bold", 9)
        canvas.drawString(MARGIN, y, label)
        canvas.setFont("Helvetica", 9.5)
        for line in simpleSplit(value, "Helvetica", 9.5, WIDTH - 2 * MARGIN - 48 * mm):
            canvas.drawString(MARGIN + 48 * mm, y, line)
            y -= 5 * mm
        y -= 1 * mm
    y -= 4 * mm
    canvas.setFont("Helvetica", 9)
    for line in simpleSplit("Le titulaire est redevable de l'abonnement et des consommations jusqu'à la résiliation "
                            "effective du contrat. Le dépôt de garantie n'est remboursé qu'à la personne qui l'a versé, "
                            "sur présentation de sa pièce d'identité.", "Helvetica", 9, WIDTH - 2 * MARGIN):
        canvas.drawString(MARGIN, y, line)
        y -= 4.6 * mm
    width, height = (WIDTH - 2 * MARGIN - 8 * mm) / 2, 30 * mm
    canvas.setStrokeColor(HexColor("#7b8794"))
    for i, title in enumerate(("Signature du titulaire", "Pour le service, l'agent d'abonnement")):
        x = MARGIN + i * (width + 8 * mm)
        canvas.rect(x, y - 6 * mm - height, width, height, stroke=1, fill=0)
        canvas.setFont("Helvetica-Bold", 9)
        canvas.drawString(x + 3 * mm, y - 11 * mm, title)
    canvas.setStrokeColor(INK)
    draw_footer(canvas, f"Contrat {contract.number} — établi le {day(contract.start_on)}")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
