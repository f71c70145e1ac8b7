"""Refunding a water credit note by bank transfer to the account holder, on SQLite and PostgreSQL."""
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from flask_login import login_user
from sqlalchemy import select, update

from server.errors import DomainError, IllegalTransition, NotFound
from server.extensions import db
from server.models import AuditEntry, Invoice, Payment
from server.services import transfers
from server.services import invoice_controls as controls
from server.services.invoices import issue_balance_invoice, issue_closing_invoice
from tests.integration.test_invoices_closing import NOW, TODAY, agent, contract_at, last_billed

FR = "FR7630004000031234567890143"


def credit_note(point="P00000001") -> Invoice:
    """W17: the end date before the last billed reading makes a water credit note, issued at once."""
    contract = contract_at(point)
    billed = last_billed(contract)
    end_on = billed.read_on - timedelta(days=20)
    invoice = issue_closing_invoice(contract, end_on=end_on, index=billed.index - 4, read_on=end_on,
                                    source="customer", travel_fee=False, user=agent(), now=NOW)
    db.session.commit()
    assert invoice.kind == "credit_note" and invoice.state == "issued" and invoice.total < 0
    return invoice


def actions(name):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == name)).all()


def payments_of(invoice):
    return db.session.scalars(select(Payment).where(Payment.invoice_id == invoice.id)).all()


def test_W17_credit_note_refunded_by_transfer_to_the_account_holder(demo_ctx):
    invoice = credit_note()
    user = agent()
    payment = transfers.refund_by_transfer(invoice.id, iban="fr76 3000 4000 0312 3456 7890 143",
                                           holder_name="bertrand  HUGO", user=user, now=NOW)
    assert (payment.direction, payment.method, payment.iban) == ("refund", "transfer", FR)
    assert payment.amount == -invoice.total > 0 and payment.payee_name == "Hugo Bertrand"  # not as typed
    assert payment.cashier_id == user.id and payment.payee_identity is None
    assert invoice.state == "refunded" and invoice.paid_on == TODAY
    entry = actions("refund_payment")[0]
    assert entry.user_id == user.id and entry.details["method"] == "transfer" and FR not in str(entry.details)
    rows = transfers.refund_transfers(user)
    assert [(r.invoice.id, r.masked_iban, r.currency) for r in rows] == [(invoice.id, "**** 0143", "EUR")]


def test_the_panel_prefills_the_contract_iban_and_the_holder(demo_ctx):
    invoice = credit_note()
    contract = contract_at("P00000001")
    contract.direct_debit, contract.iban = True, FR
    db.session.commit()
    panel = transfers.transfer_panel(invoice, contract)
    assert panel.can_refund and panel.amount == -invoice.total
    assert (panel.holder_name, panel.iban_on_file, panel.iban_on_file_problem) == ("Hugo Bertrand", FR, None)
    contract.iban = "FR766550902290701555079300"  # stored before IBANs were checked: 26 characters, wrong key
    assert "IBAN du contrat inutilisable" in transfers.transfer_panel(invoice, contract).iban_on_file_problem
    transfers.refund_by_transfer(invoice.id, iban=FR, holder_name="Hugo Bertrand", user=agent(), now=NOW)
    done = transfers.transfer_panel(invoice, contract)
    assert not done.can_refund and done.payment.iban == FR and done.masked_iban == "**** 0143"


def test_refused_for_an_invoice_to_collect(demo_ctx):
    contract = contract_at("P00000001")
    invoice = issue_closing_invoice(contract, end_on=TODAY, index=last_billed(contract).index + 30, read_on=TODAY,
                                    source="agent", travel_fee=False, now=NOW)
    db.session.commit()
    assert invoice.total > 0 and transfers.transfer_panel(invoice, contract) is None
    with pytest.raises(IllegalTransition, match="pas de montant à rembourser"):
        transfers.refund_by_transfer(invoice.id, iban=FR, holder_name="Hugo Bertrand", user=agent(), now=NOW)
    assert invoice.state == "issued" and payments_of(invoice) == []


@pytest.mark.parametrize("state,message", [("draft", "pas encore émise"), ("cancelled", "annulée")])
def test_refused_for_an_invoice_not_issued(demo_ctx, state, message):
    invoice = credit_note()
    invoice.state = state
    db.session.commit()
    with pytest.raises(IllegalTransition, match=message):
        transfers.refund_by_transfer(invoice.id, iban=FR, holder_name="Hugo Bertrand", user=agent(), now=NOW)
    assert db.session.get(Invoice, invoice.id).state == state and payments_of(invoice) == []


def test_refused_to_anyone_but_the_account_holder_and_audited(demo_ctx):
    invoice = credit_note()
    with pytest.raises(DomainError, match="n'est pas le titulaire du contrat") as refused:
        transfers.refund_by_transfer(invoice.id, iban=FR, holder_name="Hugo Legrand", user=agent(), now=NOW)
    assert refused.value.fields == {"holder_name": ["Le titulaire du contrat est Hugo Bertrand."]}
    db.session.expire_all()
    assert db.session.get(Invoice, invoice.id).state == "issued" and payments_of(invoice) == []
    assert [(a.user_id, a.details["reason"]) for a in actions("transfer_refused")] == [(agent().id, "holder")]


def test_refused_for_a_bad_iban_and_audited(demo_ctx):
    invoice = credit_note()
    with pytest.raises(DomainError, match="clé de contrôle") as refused:
        transfers.refund_by_transfer(invoice.id, iban="FR7730004000031234567890143", holder_name="Hugo Bertrand",
                                     user=agent(), now=NOW)
    assert list(refused.value.fields) == ["iban"]
    db.session.expire_all()
    assert db.session.get(Invoice, invoice.id).state == "issued" and payments_of(invoice) == []
    assert [a.details["reason"] for a in actions("transfer_refused")] == ["iban"]


def test_refunded_only_once(demo_ctx):
    invoice = credit_note()
    transfers.refund_by_transfer(invoice.id, iban=FR, holder_name="Hugo Bertrand", user=agent(), now=NOW)
    with pytest.raises(IllegalTransition, match="déjà réglée"):
        transfers.refund_by_transfer(invoice.id, iban=FR, holder_name="Hugo Bertrand", user=agent("admin"), now=NOW)
    assert len(payments_of(invoice)) == 1


def test_refunded_only_once_when_another_agent_was_quicker(demo_ctx):
    """Two agents on the same credit note: the second one read 'issued', but the database says 'refunded'."""
    invoice = credit_note()
    db.session.execute(update(Invoice).where(Invoice.id == invoice.id).values(state="refunded")
                       .execution_options(synchronize_session=False))  # the other agent's commit
    assert invoice.state == "issued"  # what this session still believes
    with pytest.raises(IllegalTransition, match="vient d'être réglée"):
        transfers.refund_by_transfer(invoice.id, iban=FR, holder_name="Hugo Bertrand", user=agent(), now=NOW)
    assert payments_of(invoice) == []


def test_other_utility_and_electricity_are_refused(demo_ctx):
    invoice = credit_note()
    with pytest.raises(NotFound):
        transfers.refund_by_transfer(invoice.id, iban=FR, holder_name="Hugo Bertrand", user=agent("agent.elec"),
                                     now=NOW)
    contract = contract_at("P00000200")
    balance = issue_balance_invoice(contract, index=last_billed(contract).index + 10, read_on=TODAY, now=NOW)
    for step in ("check", "issue"):
        controls.control_invoice(balance.id, step, user=agent("controle"), now=NOW)
    assert balance.total < 0 and transfers.transfer_panel(balance, contract) is None
    with pytest.raises(IllegalTransition, match="au guichet"):
        transfers.refund_by_transfer(balance.id, iban="BJ47B00120012345678901234567",
                                     holder_name=contract.customer.last_name, user=agent("admin"), now=NOW)
    assert balance.state == "issued" and payments_of(balance) == []


def test_list_by_period_and_csv_for_accounting(demo_ctx):
    first, second = credit_note("P00000001"), credit_note("P00000002")
    transfers.refund_by_transfer(first.id, iban=FR, holder_name="Hugo Bertrand", user=agent(),
                                 now=NOW - timedelta(days=3))
    transfers.refund_by_transfer(second.id, iban="FR1420041010050500013M02606", holder_name="Legrand Hugo",
                                 user=agent(), now=NOW)
    rows = transfers.refund_transfers(agent())
    assert [r.invoice.id for r in rows] == [second.id, first.id]  # newest first
    assert [r.invoice.id for r in transfers.refund_transfers(agent(), since=TODAY - timedelta(days=1))] == [second.id]
    assert [r.invoice.id for r in transfers.refund_transfers(agent(), until=TODAY - timedelta(days=2))] == [first.id]
    assert transfers.refund_transfers(agent("agent.elec")) == []  # other utility
    text = transfers.transfers_csv(rows).decode("utf-8")
    assert text.startswith("\ufeffDate;N° facture;Client (titulaire du compte);IBAN;Montant;Devise\r\n")
    lines = text.lstrip("\ufeff").splitlines()[1:]
    amount = f"{-second.total:.2f}".replace(".", ",")
    assert lines[0].split(";")[1:] == [second.number, "Hugo Legrand", "FR1420041010050500013M02606", amount, "EUR"]
    assert lines[1].split(";")[3] == FR and Decimal(lines[1].split(";")[4].replace(",", ".")) == -first.total


def test_csv_neutralises_a_formula_in_the_account_holder_name(demo_ctx):
    invoice = credit_note()
    customer = contract_at("P00000001").customer
    customer.first_name, customer.last_name = None, '=HYPERLINK("http://evil.example";"RIB")'
    db.session.commit()
    transfers.refund_by_transfer(invoice.id, iban=FR, holder_name=customer.last_name, user=agent(), now=NOW)
    text = transfers.transfers_csv(transfers.refund_transfers(agent())).decode("utf-8-sig")
    assert ';"\'=HYPERLINK(""http://evil.example"";""RIB"")";' in text
    assert ";=" not in text and ';"=' not in text


def test_csv_is_the_same_whoever_exports_it(demo_app):
    """Dates in the water utility's time whoever is signed in: a refund at 22:30 UTC on 1 July is 2 July in
    Bordeaux (UTC+2) but still 1 July in Benin (UTC+1)."""
    with demo_app.app_context():
        invoice = credit_note()
        transfers.refund_by_transfer(invoice.id, iban=FR, holder_name="Hugo Bertrand", user=agent(),
                                     now=datetime(2026, 7, 1, 22, 30, tzinfo=timezone.utc))
        rows = transfers.refund_transfers(agent("admin"))
        exports = {}
        for login in (None, "agent.eau", "agent.elec", "admin"):
            with demo_app.test_request_context():
                if login:
                    login_user(agent(login))
                exports[login] = transfers.transfers_csv(rows)
        assert len(set(exports.values())) == 1
        assert exports[None].decode("utf-8-sig").splitlines()[1].startswith("02/07/2026;")
