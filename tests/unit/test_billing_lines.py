"""The arithmetic of closing, balance and subscription invoices (pure functions, no database)."""
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from server.services.rules.invoice_lines import (ClosingFacts, Line, Refund, closing_lines, consumption, is_credit_note,
                                           new_subscription_lines, prorata_refund, refund_line, round_money, total_of)

D = Decimal

WATER = ClosingFacts(currency="EUR", service="water", unit_price=D("2.10"), subscription_per_year=D("48.00"),
                     vat_rate=D("0.055"), previous_index=789, previous_date=date(2026, 1, 25), index=820,
                     end_on=date(2026, 3, 6), dials=5)
ELEC = ClosingFacts(currency="XOF", service="electricity", unit_price=D("109"), subscription_per_year=D("6000"),
                    vat_rate=D("0.18"), previous_index=10_000, previous_date=date(2026, 1, 1), index=10_250,
                    end_on=date(2026, 2, 1), dials=6)


def amounts(lines):
    return [line.amount for line in lines]


def test_W17_closing_bills_consumption_since_last_billed_index_and_prorated_subscription():
    lines = closing_lines(WATER)
    consumption_line, subscription, vat = lines
    assert consumption_line.quantity == 31 and consumption_line.amount == D("65.10") and consumption_line.unit == "m³"
    assert subscription.quantity == 40 and subscription.amount == D("5.26")  # 48 * 40 / 365
    assert vat.label == "TVA 5,5 %" and vat.amount == D("3.87")  # (65.10 + 5.26) * 0.055 = 3.8698
    assert total_of(lines) == D("74.23")


def test_W17_end_date_before_last_billed_reading_is_a_credit_note():
    assert is_credit_note(date(2026, 1, 10), date(2026, 1, 25))
    assert not is_credit_note(date(2026, 1, 25), date(2026, 1, 25))
    assert not is_credit_note(date(2026, 1, 10), None)
    facts = replace(WATER, index=780, end_on=date(2026, 1, 10))
    lines = closing_lines(facts)
    assert lines[0].quantity == -9 and lines[0].amount == D("-18.90") and "avoir" in lines[0].label
    assert lines[1].quantity == -15 and lines[1].amount == D("-1.97")
    assert (lines[2].quantity, lines[2].amount) == (D("-20.87"), D("-1.15"))  # -1.14785, half away from zero
    assert total_of(lines) == D("-22.02")


def test_W17_lower_index_after_the_last_billed_date_is_a_rollover_of_the_dials():
    assert consumption(99_990, 15, 5, credit=False) == 25
    assert consumption(99_990, 15, None, credit=False) == -99_975
    assert consumption(800, 780, 5, credit=True) == -20


def test_W5_prepaid_subscription_is_refunded_pro_rata_temporis_to_the_end_date():
    assert prorata_refund(D("48"), date(2026, 3, 6), date(2026, 6, 30)) == D("48") * 116 / 365
    assert prorata_refund(D("48"), date(2026, 3, 6), date(2026, 3, 6)) == 0
    assert prorata_refund(D("48"), date(2026, 3, 6), None) == 0
    lines = closing_lines(replace(WATER, prepaid_until=date(2026, 6, 30)))
    refund = lines[1]
    assert "payé d'avance" in refund.label and refund.quantity == -116 and refund.amount == D("-15.25")
    assert len([line for line in lines if "Abonnement du" in line.label]) == 0  # nothing else owed


def test_W5_prepaid_period_already_over_leaves_subscription_owed_from_its_end():
    lines = closing_lines(replace(WATER, prepaid_until=date(2026, 2, 24)))
    assert lines[1].label.startswith("Abonnement du 24/02/2026 au 06/03/2026") and lines[1].quantity == 10


def test_W4_travel_fee_line_is_added_and_taxed_when_it_applies():
    lines = closing_lines(replace(WATER, travel_fee=D("45.00")))
    fee = next(line for line in lines if "déplacement" in line.label)
    vat = next(line for line in lines if line.label.startswith("TVA"))
    assert fee.amount == D("45.00") and fee.unit == "forfait"
    assert vat.quantity == D("115.36") and vat.unit_price == D("0.055") and vat.amount == D("6.34")
    assert not any("déplacement" in line.label for line in closing_lines(WATER))


def test_E8_balance_deducts_the_deposit_after_vat_and_rounds_xof_to_the_unit():
    lines = closing_lines(replace(ELEC, deposit=D("50000")))
    assert amounts(lines) == [D("27250"), D("510"), D("4997"), D("-50000")]
    assert total_of(lines) == D("-17243")  # negative: a refund is due to the deposit payer
    assert all(line.amount == line.amount.quantize(D("1")) for line in lines)


def test_E8_balance_above_the_deposit_is_collected():
    lines = closing_lines(replace(ELEC, index=12_000, deposit=D("50000")))
    assert amounts(lines) == [D("218000"), D("510"), D("39332"), D("-50000")]  # VAT 39331.8
    assert total_of(lines) == D("207842")


def test_E4_new_subscription_invoice_holds_the_deposit_and_the_month_to_come():
    lines, prepaid_until = new_subscription_lines(currency="XOF", subscription_per_year=D("6000"), vat_rate=D("0.18"),
                                                  start_on=date(2026, 2, 10), deposit=D("50000"))
    assert prepaid_until == date(2026, 2, 28)
    deposit, subscription, vat = lines
    assert deposit.amount == D("50000") and not deposit.taxable
    assert subscription.quantity == 19 and subscription.amount == D("312")  # 6000 * 19 / 365
    assert vat.amount == D("56") and total_of(lines) == D("50368")


@pytest.mark.parametrize("amount,currency,expected", [
    (D("1.005"), "EUR", D("1.01")), (D("-1.005"), "EUR", D("-1.01")), (D("499.5"), "XOF", D("500")),
])
def test_W17_amounts_round_half_up_to_the_currency_unit(amount, currency, expected):
    assert round_money(amount, currency) == expected


def test_W17_lines_serialise_as_json_with_exact_decimals():
    line = closing_lines(WATER)[0].as_json()
    assert set(line) >= {"label", "quantity", "unit", "unit_price", "amount"}
    assert line["amount"] == "65.10" and line["unit_price"] == "2.10"


def test_W4_travel_fee_applies_only_where_the_commune_allows_it():
    from types import SimpleNamespace
    from server.services.closing.invoices import travel_fee_applies
    assert travel_fee_applies(SimpleNamespace(travel_fee_allowed=True), own_failure=False)
    assert not travel_fee_applies(SimpleNamespace(travel_fee_allowed=False), own_failure=False)


def test_W22_no_travel_fee_for_our_own_remote_reading_failure():
    from types import SimpleNamespace
    from server.services.closing.invoices import travel_fee_applies
    assert not travel_fee_applies(SimpleNamespace(travel_fee_allowed=True), own_failure=True)


@pytest.mark.parametrize("refund,currency,expected", [
    (Refund("FP-1", date(2026, 7, 20), D("120.004")), "EUR",
     Line("Remboursement de la facture FP-1 annulée, réglée le 20/07/2026", D(1), "facture", D("-120.00"),
          D("-120.00"), taxable=False)),
    (Refund("FP-2", None, D("8000.5")), "XOF",
     Line("Remboursement de la facture FP-2 annulée", D(1), "facture", D("-8001"), D("-8001"), taxable=False)),
])
def test_W20_a_paid_bill_cancelled_by_a_contest_is_refunded_on_one_untaxed_line_in_plain_words(refund, currency,
                                                                                                 expected):
    """The customer reads the label on the invoice: plain French, no rule id."""
    assert refund_line(refund, currency) == expected
