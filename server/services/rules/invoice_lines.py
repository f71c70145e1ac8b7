"""The arithmetic of closing, balance and subscription invoices, as pure functions over plain values.

Amounts are Decimal, rounded half-up per line to the currency's unit (cents; XOF has none).
Line items become JSON as {label, quantity, unit, unit_price, amount} with Decimals as strings.
"""
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

DAYS_PER_YEAR = Decimal(365)
UNITS = {"water": "m³", "sewage": "m³", "electricity": "kWh"}


@dataclass(frozen=True)
class Line:
    label: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    amount: Decimal
    taxable: bool = True

    def as_json(self) -> dict:
        return {"label": self.label, "quantity": str(self.quantity), "unit": self.unit,
                "unit_price": str(self.unit_price), "amount": str(self.amount), "taxable": self.taxable}


@dataclass(frozen=True)
class ClosingFacts:
    """What a closing (or balance) invoice is computed from; no database object in here."""
    currency: str
    service: str
    unit_price: Decimal
    subscription_per_year: Decimal
    vat_rate: Decimal
    previous_index: int
    previous_date: date
    index: int
    end_on: date
    dials: int | None = None
    prepaid_until: date | None = None
    travel_fee: Decimal | None = None   # amount when the fee applies (W4), else None
    deposit: Decimal | None = None      # deducted on the electricity balance (E8)
    refunds: tuple["Refund", ...] = ()  # paid invoices cancelled by a contest (W20), refunded once here


@dataclass(frozen=True)
class Refund:
    """W20: a paid invoice cancelled because we failed to terminate when told: its amount comes back."""
    number: str
    paid_on: date | None
    amount: Decimal


def money_quantum(currency: str) -> Decimal:
    """XOF (CFA franc) has no subunit; other currencies round to cents."""
    return Decimal("1") if currency == "XOF" else Decimal("0.01")


def round_money(amount: Decimal, currency: str) -> Decimal:
    return Decimal(amount).quantize(money_quantum(currency), rounding=ROUND_HALF_UP)


def fr_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def is_credit_note(end_on: date, last_billed_on: date | None) -> bool:
    """W17: the closing is a credit note when the contract ends before the last billed reading."""
    return last_billed_on is not None and end_on < last_billed_on


def consumption(previous_index: int, index: int, dials: int | None, *, credit: bool) -> int:
    """Units consumed since the previous index; a lower index is a rollover past the last dial, except
    on a credit note where it is consumption billed too far (negative)."""
    if index >= previous_index or credit or not dials:
        return index - previous_index
    return 10 ** dials - previous_index + index


def prorata(amount_per_year: Decimal, start: date, end: date) -> Decimal:
    """The share of a yearly amount for the days from start to end (signed, unrounded)."""
    return Decimal(amount_per_year) * Decimal((end - start).days) / DAYS_PER_YEAR


def prorata_refund(subscription_per_year: Decimal, end_on: date, prepaid_until: date | None) -> Decimal:
    """W5: a subscription paid ahead is refunded pro rata temporis from the end date (unrounded, >= 0)."""
    if prepaid_until is None or prepaid_until <= end_on:
        return Decimal(0)
    return prorata(subscription_per_year, end_on, prepaid_until)


def consumption_line(facts: ClosingFacts) -> Line:
    credit = is_credit_note(facts.end_on, facts.previous_date)
    used = consumption(facts.previous_index, facts.index, facts.dials, credit=credit)
    label = (f"Consommation du {fr_date(facts.previous_date)} au {fr_date(facts.end_on)} "
             f"(index {facts.previous_index} à {facts.index})")
    if used < 0:
        label = (f"Consommation facturée au-delà de la fin du contrat (index {facts.index} à "
                 f"{facts.previous_index}), avoir")
    return Line(label, Decimal(used), UNITS.get(facts.service, ""), Decimal(facts.unit_price),
                round_money(Decimal(used) * Decimal(facts.unit_price), facts.currency))


def subscription_lines(facts: ClosingFacts) -> list[Line]:
    """Subscription owed from what was already paid (last billed reading or prepaid period) to the end
    date; what was paid beyond the end date comes back pro rata temporis (W5, W17)."""
    yearly = Decimal(facts.subscription_per_year)
    paid_through = max(facts.previous_date, facts.prepaid_until or facts.previous_date)
    per_day = (yearly / DAYS_PER_YEAR).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    if paid_through < facts.end_on:
        days = (facts.end_on - paid_through).days
        return [Line(f"Abonnement du {fr_date(paid_through)} au {fr_date(facts.end_on)} (prorata temporis)",
                     Decimal(days), "jour", per_day,
                     round_money(prorata(yearly, paid_through, facts.end_on), facts.currency))]
    if paid_through > facts.end_on:
        refund = round_money(prorata_refund(yearly, facts.end_on, paid_through), facts.currency)
        days = (paid_through - facts.end_on).days
        what = ("payé d'avance" if facts.prepaid_until and facts.prepaid_until >= paid_through
                else "facturé au-delà de la fin du contrat")
        return [Line(f"Remboursement de l'abonnement {what} du {fr_date(facts.end_on)} au "
                     f"{fr_date(paid_through)} (prorata temporis)", Decimal(-days), "jour", per_day, -refund)]
    return []


def travel_fee_line(amount: Decimal, currency: str) -> Line:
    """W4: the reading visit for the closing, billed where the commune's service rules allow it."""
    return Line("Frais de déplacement (relevé d'index)", Decimal(1), "forfait", Decimal(amount),
                round_money(Decimal(amount), currency))


def vat_line(lines: list[Line], vat_rate: Decimal, currency: str) -> Line | None:
    base = sum((line.amount for line in lines if line.taxable), Decimal(0))
    if base == 0 or not vat_rate:
        return None
    percent = (Decimal(vat_rate) * 100).normalize()
    # quantity: the taxable base, unit price: the rate, so that quantity x unit price = amount as on every line
    return Line(f"TVA {format(percent, 'f').replace('.', ',')} %", base, "base HT", Decimal(vat_rate),
                round_money(base * Decimal(vat_rate), currency), taxable=False)


def deposit_line(deposit: Decimal, currency: str) -> Line:
    """E8: the deposit paid at subscription is deducted from the electricity balance."""
    return Line("Dépôt de garantie (avance sur consommation) déduit", Decimal(1), "forfait",
                -Decimal(deposit), -round_money(Decimal(deposit), currency), taxable=False)


def refund_line(refund: Refund, currency: str) -> Line:
    """W20: a paid invoice cancelled by the contest is refunded on the retroactive closing (VAT included in
    what was paid, so the line is not taxed again)."""
    paid = f", réglée le {fr_date(refund.paid_on)}" if refund.paid_on else ""
    amount = round_money(Decimal(refund.amount), currency)
    return Line(f"Remboursement de la facture {refund.number} annulée{paid}", Decimal(1), "facture",
                -amount, -amount, taxable=False)


def closing_lines(facts: ClosingFacts) -> list[Line]:
    """W17, W5, W4, W20, E8: every line of a closing or balance invoice, VAT included, then the refunds of
    paid invoices cancelled by a contest, deposit last."""
    lines = [consumption_line(facts), *subscription_lines(facts)]
    if facts.travel_fee:
        lines.append(travel_fee_line(facts.travel_fee, facts.currency))
    vat = vat_line(lines, facts.vat_rate, facts.currency)
    lines += [vat] if vat else []
    lines += [refund_line(refund, facts.currency) for refund in facts.refunds]
    if facts.deposit:
        lines.append(deposit_line(facts.deposit, facts.currency))
    return lines


def new_subscription_lines(*, currency: str, subscription_per_year: Decimal, vat_rate: Decimal,
                           start_on: date, deposit: Decimal) -> tuple[list[Line], date]:
    """E4: the successor's first invoice: the deposit and the subscription to the end of the month
    (returned as the new contract's prepaid_until, inclusive like every end date here)."""
    month_end = (start_on.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    lines = []
    if deposit:
        lines.append(Line("Dépôt de garantie (avance sur consommation)", Decimal(1), "forfait", Decimal(deposit),
                          round_money(Decimal(deposit), currency), taxable=False))
    until = month_end + timedelta(days=1)  # the last day of the month is paid too
    lines.append(Line(f"Abonnement du {fr_date(start_on)} au {fr_date(month_end)} (prorata temporis)",
                      Decimal((until - start_on).days), "jour",
                      (Decimal(subscription_per_year) / DAYS_PER_YEAR).quantize(Decimal("0.0001")),
                      round_money(prorata(subscription_per_year, start_on, until), currency)))
    vat = vat_line(lines, vat_rate, currency)
    return lines + ([vat] if vat else []), month_end


def total_of(lines: list[Line]) -> Decimal:
    return sum((line.amount for line in lines), Decimal(0))
