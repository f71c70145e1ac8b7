"""Closing, takeover and balance invoices on the demo data, on SQLite and PostgreSQL."""
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

import pytest
from sqlalchemy import select

from server.errors import DomainError
from server.extensions import db
from server.models import AuditEntry, Contract, Customer, DeliveryPoint, Reading, User
from server.services.closing.invoices import (cancel_invoice, issue_balance_invoice, issue_closing_invoice,
                                      issue_takeover_invoices, last_billed_reading, tariff_in_force)

NOW = datetime.now(timezone.utc)
TODAY = NOW.date()


def contract_at(ref: str) -> Contract:
    point = db.session.scalar(select(DeliveryPoint).where(DeliveryPoint.ref == ref))
    return db.session.scalar(select(Contract).where(Contract.delivery_point_id == point.id))


def agent(login="agent.eau") -> User:
    return db.session.scalar(select(User).where(User.login == login))


def last_billed(contract: Contract) -> Reading:
    return last_billed_reading(contract.point.meters[0])


def expected_amounts(contract: Contract, *, index: int, end_on: date) -> list[str]:
    """The amount of every line of a closing (or balance) invoice without travel fee, worked out here from the
    tariff and the last billed reading, rounded half up to the currency's unit (cents; none for XOF):
    consumption, the subscription from the billed reading to the end date (a refund when before it), the
    VAT on both, the deposit deducted last."""
    billed, commune = last_billed(contract), contract.point.commune
    tariff = tariff_in_force(commune.id, contract.service, end_on)
    unit = Decimal(1) if commune.currency == "XOF" else Decimal("0.01")

    def money(value: Decimal) -> Decimal:
        return value.quantize(unit, rounding=ROUND_HALF_UP)
    amounts = [money((index - billed.index) * tariff.unit_price)]
    days = (end_on - billed.read_on).days
    if days:
        amounts.append(money(tariff.subscription_per_year * days / 365))
    if sum(amounts) and tariff.vat_rate:
        amounts.append(money(sum(amounts) * tariff.vat_rate))
    if contract.deposit_amount:
        amounts.append(-money(contract.deposit_amount))
    return [str(amount) for amount in amounts]


def total_of(amounts: list[str]) -> Decimal:
    return sum((Decimal(amount) for amount in amounts), Decimal(0))


def test_W17_water_closing_invoice_is_issued_with_reading_address_and_lines(demo_ctx):
    contract = contract_at("P00000001")
    billed = last_billed(contract)
    contract.customer.postal_address = "12 rue Neuve, 33000 Bordeaux"
    amounts = expected_amounts(contract, index=billed.index + 12, end_on=TODAY)
    invoice = issue_closing_invoice(contract, end_on=TODAY, index=billed.index + 12, read_on=TODAY, source="agent",
                                    travel_fee=False, user=agent(), now=NOW)
    db.session.commit()
    assert invoice.kind == "closing" and invoice.state == "issued" and invoice.issued_on == TODAY
    assert invoice.number.startswith("FA") and invoice.send_to == "12 rue Neuve, 33000 Bordeaux"
    assert (invoice.reading_index, invoice.reading_date, invoice.reading_source) == (billed.index + 12, TODAY, "agent")
    assert invoice.lines[0]["quantity"] == "12" and invoice.lines[0]["amount"] == "25.20"
    assert [line["amount"] for line in invoice.lines] == amounts
    assert invoice.total == sum(Decimal(line["amount"]) for line in invoice.lines) == total_of(amounts)
    assert invoice.period_start == billed.read_on and invoice.period_end == TODAY
    assert last_billed(contract).index == billed.index + 12  # the closing index is now the billed one
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "issue_invoice")).object_id == str(invoice.id)


def test_W17_end_date_before_the_last_billed_reading_makes_a_credit_note(demo_ctx):
    contract = contract_at("P00000001")
    billed = last_billed(contract)
    end_on = billed.read_on - timedelta(days=20)
    amounts = expected_amounts(contract, index=billed.index - 4, end_on=end_on)
    invoice = issue_closing_invoice(contract, end_on=end_on, index=billed.index - 4, read_on=end_on,
                                    source="customer", travel_fee=False, now=NOW)
    assert invoice.kind == "credit_note"
    assert [(line["quantity"], line["amount"]) for line in invoice.lines][:2] == [("-4", "-8.40"), ("-20", amounts[1])]
    assert [line["amount"] for line in invoice.lines] == amounts and len(amounts) == 3   # consumption, subscription, VAT
    assert invoice.total == total_of(amounts) and all(Decimal(amount) < 0 for amount in amounts)


def test_W17_refused_when_a_new_occupant_already_took_the_contract_over(demo_ctx):
    contract = contract_at("P00000001")
    db.session.add(Contract(number="AB99999999", customer_id=contract_at("P00000002").customer_id,
                            delivery_point_id=contract.delivery_point_id, service="water",
                            start_on=TODAY - timedelta(days=10)))
    db.session.flush()
    with pytest.raises(DomainError, match="nouvel occupant"):
        issue_closing_invoice(contract, end_on=TODAY, index=last_billed(contract).index + 1, read_on=TODAY,
                              source="customer", travel_fee=False, now=NOW)


def test_W17_direct_debit_is_kept_on_the_closing_invoice(demo_ctx):
    contract = contract_at("P00000001")
    contract.direct_debit = True
    amounts = expected_amounts(contract, index=last_billed(contract).index, end_on=TODAY)
    invoice = issue_closing_invoice(contract, end_on=TODAY, index=last_billed(contract).index, read_on=TODAY,
                                    source="customer", travel_fee=False, now=NOW)
    assert invoice.direct_debit is True
    assert [line["amount"] for line in invoice.lines] == amounts and amounts[0] == "0.00"   # index unchanged
    assert invoice.total == total_of(amounts)
    other = contract_at("P00000002")
    other.direct_debit = False
    plain = issue_closing_invoice(other, end_on=TODAY, index=last_billed(other).index, read_on=TODAY,
                                  source="customer", travel_fee=False, now=NOW)
    assert plain.direct_debit is False


def test_W4_travel_fee_billed_in_bordeaux_not_in_lormont(demo_ctx):
    bordeaux = contract_at("P00000001")
    assert bordeaux.point.commune.code == "33063"
    invoice = issue_closing_invoice(bordeaux, end_on=TODAY, index=last_billed(bordeaux).index, read_on=TODAY,
                                    source="agent", travel_fee=True, now=NOW)
    assert invoice.travel_fee and any(line["amount"] == "45.00" for line in invoice.lines)
    lormont = next(c for c in db.session.scalars(select(Contract).where(Contract.service == "water"))
                   if c.point.commune.code == "33249")
    other = issue_closing_invoice(lormont, end_on=TODAY, index=last_billed(lormont).index, read_on=TODAY,
                                  source="agent", travel_fee=True, now=NOW)
    assert not other.travel_fee and not any("déplacement" in line["label"] for line in other.lines)


def test_W5_prepaid_subscription_refunded_on_the_closing_invoice(demo_ctx):
    contract = contract_at("P00000004")
    contract.prepaid_until = TODAY + timedelta(days=73)
    invoice = issue_closing_invoice(contract, end_on=TODAY, index=last_billed(contract).index, read_on=TODAY,
                                    source="customer", travel_fee=False, now=NOW)
    refund = next(line for line in invoice.lines if "payé d'avance" in line["label"])
    assert refund["quantity"] == "-73" and Decimal(refund["amount"]) == Decimal("-9.60")  # 48 * 73 / 365


def test_E8_electricity_balance_deducts_the_deposit_and_waits_for_the_controller(demo_ctx):
    contract = contract_at("P00000200")
    amounts = expected_amounts(contract, index=last_billed(contract).index + 10, end_on=TODAY)
    invoice = issue_balance_invoice(contract, index=last_billed(contract).index + 10, read_on=TODAY,
                                    user=agent("agent.elec"), now=NOW)
    assert invoice.kind == "balance" and invoice.state == "draft" and invoice.issued_on is None
    assert invoice.lines[-1]["amount"] == "-50000" and [line["amount"] for line in invoice.lines] == amounts
    assert invoice.total == total_of(amounts) < 0
    assert all(Decimal(line["amount"]) == Decimal(line["amount"]).quantize(Decimal("1")) for line in invoice.lines)


def test_E8_electricity_closing_invoice_is_a_draft(demo_ctx):
    contract = contract_at("P00000200")
    invoice = issue_closing_invoice(contract, end_on=TODAY, index=last_billed(contract).index, read_on=TODAY,
                                    source="agent", travel_fee=False, now=NOW)
    assert invoice.state == "draft"


def test_E4_takeover_issues_termination_and_subscription_invoices(demo_ctx):
    old = contract_at("P00000199")
    successor = Customer(ref="CL9999999", last_name="Houngbo", first_name="Afi")
    db.session.add(successor)
    db.session.flush()
    new = Contract(number="EL99999999", customer_id=successor.id, delivery_point_id=old.delivery_point_id,
                   service="electricity", voltage="BT", start_on=TODAY, deposit_amount=Decimal("50000"),
                   deposit_payer_name="Afi Houngbo", deposit_payer_identity="CNI000111")
    db.session.add(new)
    db.session.flush()
    index = last_billed(old).index + 40
    termination, subscription = issue_takeover_invoices(old, new, index=index, read_on=TODAY, now=NOW)
    db.session.commit()
    assert termination.contract_id == old.id and termination.kind == "closing" and termination.state == "issued"
    assert termination.lines[-1]["amount"] == str(-old.deposit_amount.quantize(Decimal("1")))  # balance of the old contract
    assert subscription.contract_id == new.id and subscription.kind == "subscription"
    assert subscription.customer_id == successor.id and subscription.lines[0]["amount"] == "50000"
    assert new.prepaid_until is not None and new.prepaid_until >= TODAY
    assert termination.reading_index == subscription.reading_index == index


def test_W17_a_contract_is_closed_once_unless_its_invoice_is_cancelled(demo_ctx):
    contract = contract_at("P00000001")
    index = last_billed(contract).index + 5
    first = issue_closing_invoice(contract, end_on=TODAY, index=index, read_on=TODAY, source="agent",
                                  travel_fee=False, now=NOW)
    with pytest.raises(DomainError, match="déjà sa facture de clôture"):
        issue_closing_invoice(contract, end_on=TODAY, index=index, read_on=TODAY, source="agent",
                              travel_fee=False, now=NOW)
    cancel_invoice(first, "Index contesté", user=agent(), now=NOW)
    assert not last_billed(contract).index == index  # the cancelled closing index is billable again
    again = issue_closing_invoice(contract, end_on=TODAY, index=index, read_on=TODAY, source="agent",
                                  travel_fee=False, now=NOW)
    assert again.number != first.number and again.total == first.total
