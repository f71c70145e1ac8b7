"""Invoice control, the cashier's counter, the W21 list and the W23 indicators on SQLite and PostgreSQL."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from server.errors import DomainError, IllegalTransition
from server.extensions import db
from server.models import AuditEntry, Customer, Dossier, Invoice, Payment, Task
from server.services.closing import cashier, invoices
from server.services.reporting import indicators
from server.services.closing import invoice_controls as controls
from server.services.closing.invoices import issue_balance_invoice, issue_closing_invoice
from tests.integration.test_invoices_closing import (NOW, TODAY, agent, contract_at, expected_amounts, last_billed,
                                                    total_of)


def balance(point="P00000200", extra=10):
    """E8: the electricity balance at `extra` kWh past the last billed index, its total checked to the franc."""
    contract = contract_at(point)
    index = last_billed(contract).index + extra
    expected = total_of(expected_amounts(contract, index=index, end_on=TODAY))
    invoice = issue_balance_invoice(contract, index=index, read_on=TODAY, user=agent("agent.elec"), now=NOW)
    db.session.commit()
    assert invoice.total == expected
    return invoice


def actions(name):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == name)).all()


def test_E8_controller_checks_then_issues_the_balance_invoice(demo_ctx):
    invoice = balance()
    controller = agent("controle")
    assert invoice.id in [v.invoice.id for v in controls.invoices_to_control(controller)]
    with pytest.raises(IllegalTransition):
        controls.control_invoice(invoice.id, "issue", user=controller, now=NOW)
    controls.control_invoice(invoice.id, "check", user=controller, now=NOW)
    assert invoice.state == "checked" and invoice.issued_on is None
    controls.control_invoice(invoice.id, "issue", user=controller, now=NOW)
    assert invoice.state == "issued" and invoice.issued_on == TODAY
    assert [a.user_id for a in actions("check_invoice")] == [controller.id] and actions("issue_invoice")
    assert invoice.id not in [v.invoice.id for v in controls.invoices_to_control(controller)]


def test_E11_controller_refuses_a_draft_and_closes_removal_controls(demo_ctx):
    invoice = balance()
    controller = agent("controle")
    with pytest.raises(DomainError):
        controls.cancel_draft_invoice(invoice.id, "  ", user=controller, now=NOW)
    controls.cancel_draft_invoice(invoice.id, "Index de coupure mal lu", user=controller, now=NOW)
    assert invoice.state == "cancelled"
    dossier = Dossier(ref="DEP-T-E11", type="DEP", state="open", utility="electricity", requested_on=TODAY)
    db.session.add(dossier)
    db.session.flush()
    task = Task(kind="removal_control", role="controller", title="Contrôler le compte-rendu de dépose AT1",
                due_on=TODAY, dossier_id=dossier.id)
    db.session.add(task)
    db.session.commit()
    assert [t.id for t in controls.removal_reports_to_control(controller)] == [task.id]
    controls.close_removal_control(task.id, user=controller, now=NOW)
    assert task.state == "done" and controls.removal_reports_to_control(controller) == []


def test_E9_cashier_collects_a_positive_balance(demo_ctx):
    invoice = balance(extra=2000)
    controls.control_invoice(invoice.id, "check", user=agent("controle"), now=NOW)
    controls.control_invoice(invoice.id, "issue", user=agent("controle"), now=NOW)
    counter = agent("caisse")
    assert invoice.total > 0 and cashier.counter_view(invoice.id, counter).action == "collect"   # exact: balance()
    assert invoice in cashier.find_invoices(invoice.number, counter)
    payment = cashier.collect(invoice.id, user=counter, now=NOW)
    assert payment.amount == invoice.total and invoice.state == "paid" and invoice.paid_on == TODAY
    assert actions("collect_payment")[0].user_id == counter.id
    with pytest.raises(IllegalTransition):
        cashier.collect(invoice.id, user=counter, now=NOW)


def test_E3_refund_refused_to_someone_else_then_paid_to_the_deposit_payer(demo_ctx):
    invoice = balance()
    for step in ("check", "issue"):
        controls.control_invoice(invoice.id, step, user=agent("controle"), now=NOW)
    counter, contract = agent("caisse"), contract_at("P00000200")
    with pytest.raises(DomainError, match="Remboursement refusé"):
        cashier.refund(invoice.id, payee_name=contract.deposit_payer_name, payee_identity="CNI000000",
                       user=counter, now=NOW)
    assert invoice.state == "issued" and actions("refund_refused")
    assert db.session.scalar(select(Payment).where(Payment.invoice_id == invoice.id)) is None
    payment = cashier.refund(invoice.id, payee_name=contract.deposit_payer_name.upper(),
                             payee_identity=contract.deposit_payer_identity, user=counter, now=NOW)
    assert payment.direction == "refund" and payment.amount == -invoice.total > 0
    assert invoice.state == "refunded" and actions("refund_payment")


def test_E9_draft_invoices_are_not_at_the_counter(demo_ctx):
    invoice = balance()
    with pytest.raises(IllegalTransition):
        cashier.collect(invoice.id, user=agent("caisse"), now=NOW)
    assert cashier.find_invoices(invoice.number, agent("caisse")) == [invoice]  # shown, waiting for control
    assert cashier.counter_view(invoice.id, agent("caisse")).action is None


def test_W21_unpaid_closing_invoices_near_or_past_two_years_are_listed(demo_ctx):
    made = []
    for ref, days_ago in (("P00000001", 30), ("P00000002", 700), ("P00000004", 800)):
        contract = contract_at(ref)
        invoice = issue_closing_invoice(contract, end_on=TODAY, index=last_billed(contract).index + 50,
                                        read_on=TODAY, source="agent", travel_fee=True, now=NOW)
        invoice.issued_on = TODAY - timedelta(days=days_ago)
        made.append(invoice)
    made[2].state = "paid"
    db.session.commit()
    rows = invoices.overdue_closing_invoices(agent("agent.eau"), today=TODAY)
    assert [r.invoice.id for r in rows] == [made[1].id]
    assert rows[0].days_left == 30 and rows[0].limit_on == TODAY + timedelta(days=30)
    made[2].state = "issued"
    db.session.commit()
    rows = invoices.overdue_closing_invoices(agent("agent.eau"), today=TODAY)
    assert [r.days_left for r in rows] == [-70, 30]
    assert invoices.overdue_closing_invoices(agent("agent.elec"), today=TODAY) == []  # other utility
    db.session.get(Customer, made[1].customer_id).kind = "organisation"
    db.session.commit()
    assert [r.days_left for r in invoices.overdue_closing_invoices(agent("agent.eau"), today=TODAY)] == [-70]


def test_W23_indicators_count_the_demo_departure_dossiers(demo_ctx):
    dossier = db.session.scalar(select(Dossier).where(Dossier.type.in_(("DSI", "DEP"))).order_by(Dossier.id))
    dossier.requested_on = TODAY - timedelta(days=45)
    db.session.commit()
    rows, totals = indicators.indicators(agent("admin"), today=TODAY, months=3)
    assert totals[-1].open_over_limit >= 1
    late = indicators.dossiers_open_over_limit(agent("admin"), today=TODAY)
    assert dossier.id in [row.dossier.id for row in late] and all(row.days_open > 30 for row in late)
    assert sum(t.requested for t in totals) >= 1
    assert all(r.commune_code for r in rows)
    elec_rows, _ = indicators.indicators(agent("agent.elec"), today=TODAY, months=3)
    assert all(r.commune_code.startswith("BJ") for r in elec_rows)


def test_W17_credit_note_is_not_listed_as_overdue(demo_ctx):
    contract = contract_at("P00000001")
    billed = last_billed(contract)
    expected = total_of(expected_amounts(contract, index=billed.index - 3, end_on=billed.read_on - timedelta(days=20)))
    invoice = issue_closing_invoice(contract, end_on=billed.read_on - timedelta(days=20), index=billed.index - 3,
                                    read_on=billed.read_on - timedelta(days=20), source="customer",
                                    travel_fee=False, now=NOW)
    invoice.issued_on = TODAY - timedelta(days=720)
    db.session.commit()
    assert invoice.kind == "credit_note"
    assert invoices.overdue_closing_invoices(agent("agent.eau"), today=TODAY) == []
    assert db.session.get(Invoice, invoice.id).total == expected < 0
