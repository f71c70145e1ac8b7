"""Refunding a water credit note (W17) by bank transfer, on SQLite and PostgreSQL: only to the IBAN on file for
the contract, made out to the account holder; the customer's bank details recorded by an audited action (IBANs
masked, W24) under a two-person rule; electricity stays at the counter (E3); the list and CSV for accounting."""
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from flask_login import login_user
from sqlalchemy import select

from server.errors import DomainError, Forbidden, IllegalTransition, NotFound
from server.extensions import db
from server.models import AuditEntry, Invoice, Payment
from server.services.closing import transfers
from server.services.closing import invoice_controls as controls
from server.services.closing.invoices import issue_balance_invoice, issue_closing_invoice
from tests.integration.test_invoices_closing import (NOW, TODAY, agent, contract_at, expected_amounts, last_billed,
                                                    total_of)

FR = "FR7630004000031234567890143"
FR_LETTERS = "FR1420041010050500013M02606"


def credit_note(point="P00000001", iban: str | None = FR) -> Invoice:
    """W17: the end date before the last billed reading makes a water credit note, issued at once. The
    contract holds the IBAN the customer gave at the departure (W13), unless iban is None."""
    contract = contract_at(point)
    contract.iban = iban
    billed = last_billed(contract)
    end_on = billed.read_on - timedelta(days=20)
    expected = total_of(expected_amounts(contract, index=billed.index - 4, end_on=end_on))
    invoice = issue_closing_invoice(contract, end_on=end_on, index=billed.index - 4, read_on=end_on,
                                    source="customer", travel_fee=False, user=agent(), now=NOW)
    db.session.commit()
    assert invoice.kind == "credit_note" and invoice.state == "issued" and invoice.total == expected < 0
    return invoice


def cashier_of_both_utilities():
    """The counter sees the water invoices too: only the back office refunds by transfer."""
    cashier = agent("caisse")
    cashier.utility = None
    db.session.commit()
    return cashier


def actions(name):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == name).order_by(AuditEntry.id)).all()


def payments_of(invoice):
    return db.session.scalars(select(Payment).where(Payment.invoice_id == invoice.id)).all()


def test_W17_credit_note_refunded_by_transfer_to_the_iban_on_file(demo_ctx):
    invoice = credit_note()
    user = agent()
    payment = transfers.refund_by_transfer(invoice.id, user=user, now=NOW)
    assert (payment.direction, payment.method, payment.iban) == ("refund", "transfer", FR)
    assert payment.amount == -invoice.total > 0 and payment.payee_name == "Hugo Bertrand"
    assert payment.cashier_id == user.id and payment.payee_identity is None
    assert invoice.state == "refunded" and invoice.paid_on == TODAY
    entry = actions("refund_payment")[0]
    assert entry.user_id == user.id and entry.details["method"] == "transfer" and FR not in str(entry.details)
    rows = transfers.refund_transfers(user)
    assert [(r.invoice.id, r.masked_iban, r.currency) for r in rows] == [(invoice.id, "**** 0143", "EUR")]


def test_W17_iban_on_file_stored_unspaced_is_used_normalised(demo_ctx):
    invoice = credit_note(iban="fr76 3000 4000 0312 3456 7890 143")
    assert transfers.refund_by_transfer(invoice.id, user=agent(), now=NOW).iban == FR


@pytest.mark.parametrize("iban,message", [
    (None, "aucun IBAN n'est enregistré pour le contrat"),
    ("FR766550902290701555079300", "est inutilisable. Un IBAN FR compte 27 caractères"),  # stored before the check
    ("FR7730004000031234567890143", "est inutilisable. IBAN invalide : la clé de contrôle"),
])
def test_W17_refused_without_a_valid_iban_on_file_and_audited(demo_ctx, iban, message):
    invoice = credit_note(iban=iban)
    with pytest.raises(DomainError, match=message) as refused:
        transfers.refund_by_transfer(invoice.id, user=agent(), now=NOW)
    assert "Enregistrer d'abord les coordonnées bancaires du client" in refused.value.message
    assert not iban or iban not in refused.value.message
    db.session.expire_all()
    assert db.session.get(Invoice, invoice.id).state == "issued" and payments_of(invoice) == []
    assert [(a.user_id, a.details["reason"]) for a in actions("transfer_refused")] == [(agent().id, "iban")]


def test_W17_W24_bank_details_checked_and_audited_with_masked_ibans(demo_ctx):
    invoice = credit_note(iban=None)
    contract = contract_at("P00000001")
    with pytest.raises(DomainError, match="clé de contrôle") as refused:
        transfers.record_bank_details(invoice.id, "FR7730004000031234567890143", user=agent(), now=NOW)
    assert list(refused.value.fields) == ["iban"]
    db.session.expire_all()
    assert contract.iban is None and actions(transfers.IBAN_CHANGED) == []

    transfers.record_bank_details(invoice.id, "fr76 3000 4000 0312 3456 7890 143", user=agent(), now=NOW)
    transfers.record_bank_details(invoice.id, FR_LETTERS, user=agent("admin"), now=NOW + timedelta(minutes=5))
    db.session.expire_all()
    assert contract.iban == FR_LETTERS
    entries = actions(transfers.IBAN_CHANGED)
    assert [(e.object_type, e.object_id, e.user_id, e.details["old_iban"], e.details["new_iban"]) for e in entries] == [
        ("contract", str(contract.id), agent().id, None, "**** 0143"),
        ("contract", str(contract.id), agent("admin").id, "**** 0143", "**** 2606")]
    assert all(FR not in str(e.details) and FR_LETTERS not in str(e.details) for e in entries)
    assert entries[0].details["invoice"] == invoice.number
    assert transfers.last_iban_change(contract).id == entries[1].id

    with pytest.raises(DomainError, match="déjà celui du contrat"):
        transfers.record_bank_details(invoice.id, FR_LETTERS, user=agent(), now=NOW)
    assert len(actions(transfers.IBAN_CHANGED)) == 2


def test_W17_bank_details_only_by_the_back_office_of_the_utility(demo_ctx):
    invoice = credit_note(iban=None)
    cashier = cashier_of_both_utilities()
    with pytest.raises(Forbidden):
        transfers.record_bank_details(invoice.id, FR, user=cashier, now=NOW)
    with pytest.raises(NotFound):
        transfers.record_bank_details(invoice.id, FR, user=agent("agent.elec"), now=NOW)
    with pytest.raises(Forbidden):
        transfers.refund_by_transfer(invoice.id, user=cashier, now=NOW)
    db.session.expire_all()
    assert contract_at("P00000001").iban is None and actions(transfers.IBAN_CHANGED) == []


def test_W17_two_person_rule_the_agent_who_recorded_the_iban_does_not_refund(demo_ctx):
    invoice = credit_note(iban=None)
    transfers.record_bank_details(invoice.id, FR, user=agent(), now=NOW)
    with pytest.raises(Forbidden, match="Un autre agent doit faire le remboursement") as refused:
        transfers.refund_by_transfer(invoice.id, user=agent(), now=NOW)
    assert "vous avez vous-même enregistré l'IBAN" in refused.value.message
    db.session.expire_all()
    assert db.session.get(Invoice, invoice.id).state == "issued" and payments_of(invoice) == []
    assert [(a.user_id, a.details["reason"]) for a in actions("transfer_refused")] == [(agent().id, "same_agent")]

    payment = transfers.refund_by_transfer(invoice.id, user=agent("admin"), now=NOW)  # another user
    assert (payment.iban, payment.cashier_id) == (FR, agent("admin").id)


def test_W17_two_person_rule_follows_the_latest_change(demo_ctx):
    invoice = credit_note(iban=None)
    transfers.record_bank_details(invoice.id, FR_LETTERS, user=agent(), now=NOW)
    transfers.record_bank_details(invoice.id, FR, user=agent("admin"), now=NOW)  # the customer's other account
    with pytest.raises(Forbidden):
        transfers.refund_by_transfer(invoice.id, user=agent("admin"), now=NOW)
    assert transfers.refund_by_transfer(invoice.id, user=agent(), now=NOW).iban == FR


def test_W17_the_panel_decides_what_the_user_may_do(demo_ctx):
    invoice = credit_note(iban=None)
    page = transfers.invoice_page(invoice.id, agent())
    panel = page.transfer
    assert page.view.invoice is invoice and panel.amount == -invoice.total and panel.holder_name == "Hugo Bertrand"
    assert (panel.account, panel.can_refund, panel.can_record_bank_details) == (None, False, True)
    assert "aucun IBAN n'est enregistré" in panel.refusal

    transfers.record_bank_details(invoice.id, FR, user=agent(), now=NOW)
    panel = transfers.invoice_page(invoice.id, agent()).transfer
    assert panel.account == "compte se terminant par 0143" and not panel.can_refund
    assert "Un autre agent" in panel.refusal and panel.can_record_bank_details
    other = transfers.invoice_page(invoice.id, agent("admin")).transfer
    assert other.can_refund and other.refusal is None
    cashier = transfers.invoice_page(invoice.id, cashier_of_both_utilities()).transfer
    assert not (cashier.may_act or cashier.can_refund or cashier.can_record_bank_details)
    assert cashier.refusal is None

    transfers.refund_by_transfer(invoice.id, user=agent("admin"), now=NOW)
    done = transfers.invoice_page(invoice.id, agent()).transfer
    assert not done.can_refund and not done.can_record_bank_details and done.payment.iban == FR
    assert (done.masked_iban, done.paid_to) == ("**** 0143", "compte se terminant par 0143")


def test_refused_for_an_invoice_to_collect(demo_ctx):
    contract = contract_at("P00000001")
    contract.iban = FR
    index = last_billed(contract).index + 30
    expected = total_of(expected_amounts(contract, index=index, end_on=TODAY))
    invoice = issue_closing_invoice(contract, end_on=TODAY, index=index, read_on=TODAY, source="agent",
                                    travel_fee=False, now=NOW)
    db.session.commit()
    assert invoice.total == expected > 0 and transfers.invoice_page(invoice.id, agent()).transfer is None
    with pytest.raises(IllegalTransition, match="pas de montant à rembourser"):
        transfers.refund_by_transfer(invoice.id, user=agent(), now=NOW)
    assert invoice.state == "issued" and payments_of(invoice) == []


@pytest.mark.parametrize("state,message", [("draft", "pas encore émise"), ("cancelled", "annulée")])
def test_refused_for_an_invoice_not_issued(demo_ctx, state, message):
    invoice = credit_note()
    invoice.state = state
    db.session.commit()
    with pytest.raises(IllegalTransition, match=message):
        transfers.refund_by_transfer(invoice.id, user=agent(), now=NOW)
    assert db.session.get(Invoice, invoice.id).state == state and payments_of(invoice) == []


def test_W17_refunded_only_once(demo_ctx):
    invoice = credit_note()
    transfers.refund_by_transfer(invoice.id, user=agent(), now=NOW)
    with pytest.raises(IllegalTransition, match="déjà réglée"):
        transfers.refund_by_transfer(invoice.id, user=agent("admin"), now=NOW)
    assert len(payments_of(invoice)) == 1


def test_other_utility_does_not_see_the_credit_note(demo_ctx):
    invoice = credit_note()
    with pytest.raises(NotFound):
        transfers.refund_by_transfer(invoice.id, user=agent("agent.elec"), now=NOW)
    with pytest.raises(NotFound):
        transfers.invoice_page(invoice.id, agent("agent.elec"))
    assert payments_of(invoice) == []


def test_E3_electricity_balance_stays_at_the_counter(demo_ctx):
    contract = contract_at("P00000200")
    contract.iban = "BJ47B00120012345678901234567"
    index = last_billed(contract).index + 10
    expected = total_of(expected_amounts(contract, index=index, end_on=TODAY))
    balance = issue_balance_invoice(contract, index=index, read_on=TODAY, now=NOW)
    for step in ("check", "issue"):
        controls.control_invoice(balance.id, step, user=agent("controle"), now=NOW)
    assert balance.total == expected < 0 and transfers.invoice_page(balance.id, agent("admin")).transfer is None
    with pytest.raises(IllegalTransition, match="au guichet"):
        transfers.refund_by_transfer(balance.id, user=agent("admin"), now=NOW)
    assert balance.state == "issued" and payments_of(balance) == []


def test_list_by_period_and_csv_for_accounting(demo_ctx):
    first, second = credit_note("P00000001"), credit_note("P00000002", iban=FR_LETTERS)
    transfers.refund_by_transfer(first.id, user=agent(), now=NOW - timedelta(days=3))
    transfers.refund_by_transfer(second.id, user=agent(), now=NOW)
    rows = transfers.refund_transfers(agent())
    assert [r.invoice.id for r in rows] == [second.id, first.id]  # newest first
    assert [r.invoice.id for r in transfers.refund_transfers(agent(), since=TODAY - timedelta(days=1))] == [second.id]
    assert [r.invoice.id for r in transfers.refund_transfers(agent(), until=TODAY - timedelta(days=2))] == [first.id]
    assert transfers.refund_transfers(agent("agent.elec")) == []  # other utility
    text = transfers.transfers_csv(rows).decode("utf-8")
    assert text.startswith("\ufeffDate;N° facture;Client (titulaire du compte);IBAN;Montant;Devise\r\n")
    lines = text.lstrip("\ufeff").splitlines()[1:]
    amount = f"{-second.total:.2f}".replace(".", ",")
    assert lines[0].split(";")[1:] == [second.number, "Hugo Legrand", FR_LETTERS, amount, "EUR"]
    assert lines[1].split(";")[3] == FR and Decimal(lines[1].split(";")[4].replace(",", ".")) == -first.total


def test_csv_neutralises_a_formula_in_the_account_holder_name(demo_ctx):
    invoice = credit_note()
    customer = contract_at("P00000001").customer
    customer.first_name, customer.last_name = None, '=HYPERLINK("http://evil.example";"RIB")'
    db.session.commit()
    transfers.refund_by_transfer(invoice.id, user=agent(), now=NOW)
    text = transfers.transfers_csv(transfers.refund_transfers(agent())).decode("utf-8-sig")
    assert ';"\'=HYPERLINK(""http://evil.example"";""RIB"")";' in text
    assert ";=" not in text and ';"=' not in text


def test_csv_is_the_same_whoever_exports_it(demo_app):
    """Dates in the water utility's time whoever is signed in: a refund at 22:30 UTC on 1 July is 2 July in
    Bordeaux (UTC+2) but still 1 July in Benin (UTC+1)."""
    with demo_app.app_context():
        invoice = credit_note()
        transfers.refund_by_transfer(invoice.id, user=agent(), now=datetime(2026, 7, 1, 22, 30, tzinfo=timezone.utc))
        rows = transfers.refund_transfers(agent("admin"))
        exports = {}
        for login in (None, "agent.eau", "agent.elec", "admin"):
            with demo_app.test_request_context():
                if login:
                    login_user(agent(login))
                exports[login] = transfers.transfers_csv(rows)
        assert len(set(exports.values())) == 1
        assert exports[None].decode("utf-8-sig").splitlines()[1].startswith("02/07/2026;")
