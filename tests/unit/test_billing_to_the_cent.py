"""Invoices checked to the cent: every line (label, quantity, unit, unit price, amount, taxable) and the
total, in EUR (cents) and XOF (no subunit), and a property over generated invoices: quantity × unit price
gives each line's amount and the total is the sum of the lines."""
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings, strategies as st

from server.services.rules.invoice_lines import (ClosingFacts, Line, Refund, closing_lines, consumption,
                                                 money_quantum, new_subscription_lines, prorata_refund, total_of,
                                                 vat_line)

D = Decimal


def as_tuples(lines):
    return [(line.label, line.quantity, line.unit, line.unit_price, line.amount, line.taxable) for line in lines]


def test_W17_W4_water_closing_line_by_line_in_euros():
    facts = ClosingFacts(currency="EUR", service="water", unit_price=D("2.547"), subscription_per_year=D("73.00"),
                         vat_rate=D("0.055"), previous_index=1200, previous_date=date(2026, 1, 10), index=1250,
                         end_on=date(2026, 3, 1), dials=5, travel_fee=D("45.00"))
    lines = closing_lines(facts)
    assert as_tuples(lines) == [
        ("Consommation du 10/01/2026 au 01/03/2026 (index 1200 à 1250)", D(50), "m³", D("2.547"), D("127.35"), True),
        ("Abonnement du 10/01/2026 au 01/03/2026 (prorata temporis)", D(50), "jour", D("0.2000"), D("10.00"), True),
        ("Frais de déplacement (relevé d'index)", D(1), "forfait", D("45.00"), D("45.00"), True),
        ("TVA 5,5 %", D("182.35"), "base HT", D("0.055"), D("10.03"), False),  # 10.02925 rounds half up
    ]
    assert total_of(lines) == D("192.38")
    assert [str(line.amount) for line in lines] == ["127.35", "10.00", "45.00", "10.03"]


def test_W5_E8_electricity_balance_line_by_line_in_cfa_francs():
    facts = ClosingFacts(currency="XOF", service="electricity", unit_price=D("109"), subscription_per_year=D("36500"),
                         vat_rate=D("0.18"), previous_index=5000, previous_date=date(2026, 10, 1), index=5321,
                         end_on=date(2026, 11, 20), dials=6, prepaid_until=date(2026, 11, 30), deposit=D("15000"))
    lines = closing_lines(facts)
    assert as_tuples(lines) == [
        ("Consommation du 01/10/2026 au 20/11/2026 (index 5000 à 5321)", D(321), "kWh", D("109"), D("34989"), True),
        ("Remboursement de l'abonnement payé d'avance du 20/11/2026 au 30/11/2026 (prorata temporis)",
         D(-10), "jour", D("100.0000"), D("-1000"), True),
        ("TVA 18 %", D("33989"), "base HT", D("0.18"), D("6118"), False),  # 6118.02
        ("Dépôt de garantie (avance sur consommation) déduit", D(1), "forfait", D("-15000"), D("-15000"), False),
    ]
    assert total_of(lines) == D("25107")
    assert all(line.amount == line.amount.to_integral_value() for line in lines)
    assert str(lines[2].amount) == "6118"  # no cents in XOF, not "6118.00"


def test_W17_closing_with_an_unchanged_index_bills_no_consumption_not_a_rollover():
    facts = ClosingFacts(currency="EUR", service="water", unit_price=D("2.10"), subscription_per_year=D("0"),
                         vat_rate=D("0"), previous_index=4321, previous_date=date(2026, 1, 10), index=4321,
                         end_on=date(2026, 1, 10), dials=5)
    lines = closing_lines(facts)
    assert as_tuples(lines) == [("Consommation du 10/01/2026 au 10/01/2026 (index 4321 à 4321)", D(0), "m³",
                                 D("2.10"), D("0.00"), True)]
    assert total_of(lines) == D("0.00")


def test_W17_rollover_of_the_dials_bills_only_the_units_past_the_last_dial():
    assert consumption(99_990, 15, 5, credit=False) == 25
    assert consumption(99_990, 99_990, 5, credit=False) == 0
    assert consumption(99_990, 99_989, 5, credit=False) == 99_999
    assert consumption(500, 480, None, credit=False) == -20  # no dials known: no rollover assumed
    assert consumption(500, 480, 5, credit=True) == -20


def test_W17_credit_note_subscription_billed_beyond_the_end_comes_back():
    facts = ClosingFacts(currency="EUR", service="water", unit_price=D("2.00"), subscription_per_year=D("73.00"),
                         vat_rate=D("0.2"), previous_index=300, previous_date=date(2026, 3, 1), index=290,
                         end_on=date(2026, 2, 19), dials=5, prepaid_until=date(2026, 2, 25))
    lines = closing_lines(facts)
    assert as_tuples(lines) == [
        ("Consommation facturée au-delà de la fin du contrat (index 290 à 300), avoir", D(-10), "m³", D("2.00"),
         D("-20.00"), True),
        ("Remboursement de l'abonnement facturé au-delà de la fin du contrat du 19/02/2026 au 01/03/2026 "
         "(prorata temporis)", D(-10), "jour", D("0.2000"), D("-2.00"), True),
        ("TVA 20 %", D("-22.00"), "base HT", D("0.2"), D("-4.40"), False),
    ]
    assert total_of(lines) == D("-26.40")


def test_W5_subscription_paid_exactly_to_the_end_date_adds_no_line():
    facts = ClosingFacts(currency="EUR", service="sewage", unit_price=D("1.50"), subscription_per_year=D("73.00"),
                         vat_rate=D("0.1"), previous_index=10, previous_date=date(2026, 1, 1), index=12,
                         end_on=date(2026, 2, 1), prepaid_until=date(2026, 2, 1))
    assert [line.label[:11] for line in closing_lines(facts)] == ["Consommatio", "TVA 10 %"]
    assert prorata_refund(D("73.00"), date(2026, 2, 1), date(2026, 2, 1)) == 0
    assert prorata_refund(D("73.00"), date(2026, 2, 1), date(2026, 2, 2)) == D("0.2")
    assert prorata_refund(D("73.00"), date(2026, 2, 1), None) == 0


def test_E4_successor_first_invoice_to_the_end_of_the_month():
    lines, paid_until = new_subscription_lines(currency="XOF", subscription_per_year=D("36500"), vat_rate=D("0.18"),
                                               start_on=date(2026, 11, 20), deposit=D("15000"))
    assert paid_until == date(2026, 11, 30)
    assert as_tuples(lines) == [
        ("Dépôt de garantie (avance sur consommation)", D(1), "forfait", D("15000"), D("15000"), False),
        ("Abonnement du 20/11/2026 au 30/11/2026 (prorata temporis)", D(11), "jour", D("100.0000"), D("1100"), True),
        ("TVA 18 %", D("1100"), "base HT", D("0.18"), D("198"), False),
    ]
    assert total_of(lines) == D("16298")


def test_E4_month_end_across_the_year_and_a_leap_february():
    assert new_subscription_lines(currency="EUR", subscription_per_year=D("36.60"), vat_rate=D("0"),
                                  start_on=date(2026, 12, 15), deposit=D("0"))[1] == date(2026, 12, 31)
    lines, until = new_subscription_lines(currency="EUR", subscription_per_year=D("36.50"), vat_rate=D("0"),
                                          start_on=date(2028, 2, 10), deposit=D("0"))
    assert until == date(2028, 2, 29)
    assert as_tuples(lines) == [("Abonnement du 10/02/2028 au 29/02/2028 (prorata temporis)", D(20), "jour",
                                 D("0.1000"), D("2.00"), True)]


def test_VAT_line_only_on_a_taxable_base_and_a_rate():
    taxable = Line("x", D(1), "forfait", D("10.00"), D("10.00"))
    untaxed = Line("y", D(1), "forfait", D("5.00"), D("5.00"), taxable=False)
    assert vat_line([untaxed], D("0.2"), "EUR") is None
    assert vat_line([taxable], D("0"), "EUR") is None
    vat = vat_line([taxable, untaxed], D("0.2"), "EUR")
    assert (vat.label, vat.quantity, vat.amount, vat.taxable) == ("TVA 20 %", D("10.00"), D("2.00"), False)


def test_lines_serialise_to_exact_json():
    line = Line("Frais", D(1), "forfait", D("45.00"), D("45.00"))
    assert line.as_json() == {"label": "Frais", "quantity": "1", "unit": "forfait", "unit_price": "45.00",
                              "amount": "45.00", "taxable": True}
    assert Line("TVA", D("10"), "base HT", D("0.2"), D("2.00"), taxable=False).as_json()["taxable"] is False


# --- property: on any invoice, each line's amount is its quantity × unit price, the total is their sum ---

prices = st.decimals(min_value=D("0.0001"), max_value=D("500"), places=4)
days = st.integers(min_value=-400, max_value=400)


@st.composite
def closing_facts(draw):
    currency = draw(st.sampled_from(["EUR", "XOF"]))
    previous_date = date(2026, 1, 1) + timedelta(days=draw(st.integers(0, 700)))
    previous_index = draw(st.integers(0, 99_000))
    return ClosingFacts(
        currency=currency, service=draw(st.sampled_from(["water", "sewage", "electricity"])),
        unit_price=draw(prices), subscription_per_year=draw(st.decimals(min_value=0, max_value=50_000, places=2)),
        vat_rate=draw(st.sampled_from([D("0"), D("0.055"), D("0.1"), D("0.18"), D("0.2")])),
        previous_index=previous_index, previous_date=previous_date,
        index=draw(st.integers(0, 99_999)), end_on=previous_date + timedelta(days=draw(days)),
        dials=draw(st.sampled_from([None, 5, 6])),
        prepaid_until=draw(st.one_of(st.none(), st.just(previous_date + timedelta(days=draw(days))))),
        travel_fee=draw(st.one_of(st.none(), st.decimals(min_value=1, max_value=200, places=2))),
        deposit=draw(st.one_of(st.none(), st.decimals(min_value=1, max_value=100_000, places=0))))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(closing_facts())
def test_money_every_line_is_quantity_times_unit_price_and_the_total_their_sum(facts):
    lines = closing_lines(facts)
    quantum = money_quantum(facts.currency)
    for line in lines:
        assert line.amount == line.amount.quantize(quantum), line  # cents in EUR, whole francs in XOF
        exact = line.quantity * line.unit_price
        # per-day prices are shown to 4 decimals while the amount is prorated from the yearly price
        slack = quantum / 2 + (abs(line.quantity) * D("0.00005") if line.unit == "jour" else 0)
        assert abs(exact - line.amount) <= slack, line
    assert total_of(lines) == sum((line.amount for line in lines), D(0))
    if facts.vat_rate and any(line.label.startswith("TVA") for line in lines):
        vat = next(line for line in lines if line.label.startswith("TVA"))
        assert vat.quantity == sum((line.amount for line in lines if line.taxable), D(0))


def test_xof_deposits_are_whole_francs_in_every_line():
    facts = ClosingFacts(currency="XOF", service="electricity", unit_price=D("100"), subscription_per_year=D("0"),
                         vat_rate=D("0"), previous_index=10, previous_date=date(2026, 1, 1), index=12,
                         end_on=date(2026, 1, 1), deposit=D("15000"))
    assert [str(line.amount) for line in closing_lines(facts)] == ["200", "-15000"]
    lines, _ = new_subscription_lines(currency="XOF", subscription_per_year=D("0"), vat_rate=D("0"),
                                      start_on=date(2026, 1, 31), deposit=D("15000"))
    assert [str(line.amount) for line in lines] == ["15000", "0"]


def test_a_closing_rolls_over_the_dials_of_its_meter():
    facts = ClosingFacts(currency="EUR", service="water", unit_price=D("2.00"), subscription_per_year=D("0"),
                         vat_rate=D("0"), previous_index=99_990, previous_date=date(2026, 1, 1), index=15,
                         end_on=date(2026, 2, 1), dials=5)
    assert (closing_lines(facts)[0].quantity, closing_lines(facts)[0].amount) == (D(25), D("50.00"))


def test_a_service_without_a_known_unit_gets_none_and_an_empty_total_is_a_decimal_zero():
    facts = ClosingFacts(currency="EUR", service="district_heating", unit_price=D("1"), subscription_per_year=D("0"),
                         vat_rate=D("0"), previous_index=1, previous_date=date(2026, 1, 1), index=2,
                         end_on=date(2026, 1, 1))
    assert closing_lines(facts)[0].unit == ""
    assert isinstance(total_of([]), Decimal) and total_of([]) == 0


def test_W20_paid_invoices_cancelled_by_a_contest_are_refunded_after_the_vat_and_before_the_deposit():
    facts = ClosingFacts(currency="XOF", service="electricity", unit_price=D("100"), subscription_per_year=D("0"),
                         vat_rate=D("0.18"), previous_index=100, previous_date=date(2026, 3, 1), index=110,
                         end_on=date(2026, 3, 1), deposit=D("5000"),
                         refunds=(Refund("FA000123", date(2026, 2, 3), D("12000.5")), Refund("FA000124", None, D("7"))))
    lines = closing_lines(facts)
    assert as_tuples(lines) == [
        ("Consommation du 01/03/2026 au 01/03/2026 (index 100 à 110)", D(10), "kWh", D("100"), D("1000"), True),
        ("TVA 18 %", D("1000"), "base HT", D("0.18"), D("180"), False),   # the refunds are not taxed again
        ("Remboursement de la facture FA000123 annulée, réglée le 03/02/2026", D(1), "facture", D("-12001"),
         D("-12001"), False),                                              # 12000.5 francs round half up
        ("Remboursement de la facture FA000124 annulée", D(1), "facture", D("-7"), D("-7"), False),
        ("Dépôt de garantie (avance sur consommation) déduit", D(1), "forfait", D("-5000"), D("-5000"), False),
    ]
    assert total_of(lines) == D("-15828")


def test_W20_a_refund_in_euros_is_kept_to_the_cent():
    facts = ClosingFacts(currency="EUR", service="water", unit_price=D("2"), subscription_per_year=D("0"),
                         vat_rate=D("0"), previous_index=5, previous_date=date(2026, 3, 1), index=5,
                         end_on=date(2026, 3, 1), refunds=(Refund("FA9", date(2026, 1, 31), D("80.125")),))
    refund = closing_lines(facts)[-1]
    assert (refund.label, refund.quantity, refund.unit_price, refund.amount, refund.taxable) == \
        ("Remboursement de la facture FA9 annulée, réglée le 31/01/2026", D(1), D("-80.13"), D("-80.13"), False)
    assert [str(line.amount) for line in closing_lines(facts)] == ["0.00", "-80.13"]
