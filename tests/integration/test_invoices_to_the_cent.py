"""Closing and balance invoices stored to the cent, on SQLite and PostgreSQL, from data the test builds:
every line as saved (label, quantity, unit, unit price, amount, taxable), the total, both currencies."""
from datetime import date, datetime, timezone
from decimal import Decimal

from server.extensions import db
from server.models import Commune, Contract, Customer, DeliveryPoint, Meter, Reading, Tariff
from server.services.closing.invoices import issue_balance_invoice, issue_closing_invoice

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)
D = Decimal


def world(*, utility, currency, service, kind, unit_price, per_year, vat, fee=None, deposit=0, prepaid=None):
    commune = Commune(code=f"T{currency}", name=f"Commune {currency}", utility=utility, currency=currency,
                      runs_water=service != "electricity", runs_sewage=False, runs_electricity=service == "electricity",
                      travel_fee_allowed=fee is not None, travel_fee_amount=fee or 0)
    db.session.add(commune)
    db.session.flush()
    db.session.add(Tariff(commune_id=commune.id, service=service, valid_from=date(2020, 1, 1), unit_price=D(unit_price),
                          subscription_per_year=D(per_year), vat_rate=D(vat)))
    point = DeliveryPoint(ref=f"PT{currency}", commune_id=commune.id, address="1 rue des Tests", kind=kind)
    customer = Customer(ref=f"CT{currency}", last_name="Testeur", first_name="Alix")
    db.session.add_all([point, customer])
    db.session.flush()
    meter = Meter(serial=f"M{currency}0001", delivery_point_id=point.id, dials=5 if currency == "EUR" else 6)
    contract = Contract(number=f"AB{currency}0001", customer_id=customer.id, delivery_point_id=point.id,
                        service=service, voltage="BT" if service == "electricity" else None, start_on=date(2024, 1, 1),
                        deposit_amount=D(deposit), prepaid_until=prepaid)
    db.session.add_all([meter, contract])
    db.session.flush()
    return contract, meter


def stored(invoice):
    return [(l["label"], l["quantity"], l["unit"], l["unit_price"], l["amount"], l["taxable"]) for l in invoice.lines]


def test_W17_W4_water_closing_invoice_stored_line_by_line(app_ctx):
    contract, meter = world(utility="water", currency="EUR", service="water", kind="water", unit_price="2.547",
                            per_year="73.00", vat="0.055", fee=D("45.00"))
    db.session.add(Reading(meter_id=meter.id, read_on=date(2026, 1, 10), index=1200, source="agent", billed=True))
    db.session.flush()
    invoice = issue_closing_invoice(contract, end_on=date(2026, 3, 1), index=1250, read_on=date(2026, 3, 1),
                                    source="agent", travel_fee=True, now=NOW)
    db.session.commit()
    assert stored(invoice) == [
        ("Consommation du 10/01/2026 au 01/03/2026 (index 1200 à 1250)", "50", "m³", "2.5470", "127.35", True),
        ("Abonnement du 10/01/2026 au 01/03/2026 (prorata temporis)", "50", "jour", "0.2000", "10.00", True),
        ("Frais de déplacement (relevé d'index)", "1", "forfait", "45.00", "45.00", True),
        ("TVA 5,5 %", "182.35", "base HT", "0.0550", "10.03", False),
    ]
    assert invoice.total == D("192.38")
    assert (invoice.kind, invoice.state, invoice.travel_fee) == ("closing", "issued", True)


def test_E8_electricity_balance_stored_line_by_line_in_cfa_francs(app_ctx):
    contract, meter = world(utility="electricity", currency="XOF", service="electricity", kind="elec_bt",
                            unit_price="109", per_year="36500", vat="0.18", deposit="15000", prepaid=date(2026, 11, 30))
    db.session.add(Reading(meter_id=meter.id, read_on=date(2026, 10, 1), index=5000, source="agent", billed=True))
    db.session.flush()
    contract.end_on = date(2026, 11, 20)
    invoice = issue_balance_invoice(contract, index=5321, read_on=date(2026, 11, 20), now=NOW)
    db.session.commit()
    assert stored(invoice) == [
        ("Consommation du 01/10/2026 au 20/11/2026 (index 5000 à 5321)", "321", "kWh", "109.0000", "34989", True),
        ("Remboursement de l'abonnement payé d'avance du 20/11/2026 au 30/11/2026 (prorata temporis)",
         "-10", "jour", "100.0000", "-1000", True),
        ("TVA 18 %", "33989", "base HT", "0.1800", "6118", False),
        ("Dépôt de garantie (avance sur consommation) déduit", "1", "forfait", "-15000", "-15000", False),
    ]
    assert invoice.total == D("25107")
    assert (invoice.kind, invoice.state) == ("balance", "draft")
